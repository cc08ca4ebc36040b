// npm run schema:print: writes schema.graphql, the reviewed copy of the public API.
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.ts';

export const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);
writeFileSync(SCHEMA_FILE, `${printSchema(schema)}\n`);
console.log('wrote schema.graphql');
