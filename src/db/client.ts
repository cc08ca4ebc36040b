// One PrismaClient per server, on the driver adapter that DATABASE_URL names. Only that
// provider's client, adapter and driver are loaded, so start-up reads no more than it needs.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { type Logger, oneLine } from '../logger.ts';
import { watchPool } from '../metrics.ts';
import type { ReadTransaction } from './read-store/types.ts';

export type Provider = 'sqlite' | 'postgresql';
export type Db = PrismaClient;

export function providerOf(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got ${databaseUrl.split(':')[0]}:)`);
}

/**
 * The file path of a `file:` URL, with its folder created (0700) and the file created or
 * narrowed to 0600: it holds every message. SQLite gives its -wal and -shm files the mode of the
 * database file.
 */
export function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length);
  if (path === ':memory:') return path;
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  return path;
}

export type QueryListener = (sql: string) => void;

export type Database = {
  db: Db;
  /** The transaction markRead's batches run in (see read-store/types.ts). */
  readTransaction: ReadTransaction;
};

/**
 * Each provider has its own generated client (from the same models), so the query compiler
 * writes that provider's SQL. Their TypeScript APIs are the same; the app types against SQLite's.
 * markRead's batches get their own transaction: on SQLite, prepared statements on Prisma's
 * connection (see SqliteConnection); on PostgreSQL, named statements on the pool's connections.
 */
export async function createDb(databaseUrl: string, onQuery?: QueryListener, logger?: Logger): Promise<Database> {
  const log = [
    ...(onQuery ? [{ emit: 'event' as const, level: 'query' as const }] : []),
    // Prisma's own lines go through the app's logger, one line each, instead of stderr.
    ...(logger ? (['warn', 'error'] as const).map((level) => ({ emit: 'event' as const, level })) : []),
  ];
  if (providerOf(databaseUrl) === 'sqlite') {
    const [{ PrismaClient }, { serializedSqliteAdapter }, { sqliteReadTransaction }] = await Promise.all([
      import('../generated/prisma/client.ts'),
      import('./sqlite-adapter.ts'),
      import('./read-store/sqlite.ts'),
    ]);
    const serialized = serializedSqliteAdapter(sqlitePath(databaseUrl), () => db.$connect());
    const db = listen(new PrismaClient({ adapter: serialized.adapter, log }), onQuery, logger);
    return { db, readTransaction: sqliteReadTransaction(serialized.connection, onQuery) };
  }
  const [{ PrismaPg }, { default: pg }, { PrismaClient: PostgresPrismaClient }, { postgresReadTransaction }] =
    await Promise.all([
      import('@prisma/adapter-pg'),
      import('pg'),
      import('../generated/prisma-pg/client.ts'),
      import('./read-store/postgres.ts'),
    ]);
  // Our own pool (Prisma ends it on $disconnect), so /metrics can report its use.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  watchPool(pool);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = listen(new PostgresPrismaClient({ adapter, log }) as unknown as PrismaClient, onQuery, logger);
  return { db, readTransaction: postgresReadTransaction(pool, onQuery) };
}

type LoggedClient = PrismaClient<'query' | 'warn' | 'error'>;

function listen(db: Db, onQuery?: QueryListener, logger?: Logger): Db {
  const client = db as LoggedClient;
  if (onQuery) client.$on('query', (event) => onQuery(event.query));
  if (logger) {
    client.$on('warn', (event) => logger.warn({ target: event.target }, oneLine(event.message)));
    // The same error also reaches the GraphQL error line, with its request id: here it is detail.
    client.$on('error', (event) => logger.debug({ target: event.target }, oneLine(event.message)));
  }
  return db;
}
