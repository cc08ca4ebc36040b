// npm run db:generate: writes prisma/postgresql/schema.prisma from prisma/schema.prisma (only the
// provider and output differ, so the models are defined once), then generates both clients.
// Offline: `prisma generate` only needs a path for the native schema engine, not the engine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaFor } from './provider-schema.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = readFileSync(`${root}prisma/schema.prisma`, 'utf8');

mkdirSync(`${root}prisma/postgresql`, { recursive: true });
writeFileSync(`${root}prisma/postgresql/schema.prisma`, schemaFor(source, 'postgresql'));

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: `${root}scripts/prisma/schema-engine-stub.sh` };
for (const schema of ['prisma/schema.prisma', 'prisma/postgresql/schema.prisma']) {
  execFileSync('npx', ['prisma', 'generate', '--schema', schema], { cwd: root, env, stdio: 'inherit' });
}
