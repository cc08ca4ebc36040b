// One PrismaClient per server, on the driver adapter that DATABASE_URL names.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Provider = 'sqlite' | 'postgresql';
export type Db = PrismaClient;

export function providerOf(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got ${databaseUrl.split(':')[0]}:)`);
}

/** The file path of a `file:` URL, with its folder created. */
export function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  return path;
}

export type QueryListener = (sql: string) => void;

export function createDb(databaseUrl: string, onQuery?: QueryListener): Db {
  const adapter =
    providerOf(databaseUrl) === 'sqlite'
      ? new PrismaBetterSqlite3({ url: sqlitePath(databaseUrl) })
      : new PrismaPg({ connectionString: databaseUrl, max: 20 });
  if (!onQuery) return new PrismaClient({ adapter });
  const db = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  db.$on('query', (event) => onQuery(event.query));
  return db;
}
