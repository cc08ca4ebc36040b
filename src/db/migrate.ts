// Applies Prisma's migration files at start-up, in order, one transaction each, and records
// them in Prisma's own `_prisma_migrations` table. A machine with the native engine can take
// over the same database with `prisma migrate deploy`. The SQL is written offline by
// scripts/prisma/create-migration.ts through Prisma's WASM schema engine.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { errorCode, StartupError } from '../startup-error.ts';
import { type Provider, providerOf, sqlitePath } from './client.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, withStartupConnection } from './postgres-connect.ts';

const PRISMA_DIR = fileURLToPath(new URL('../../prisma/', import.meta.url));
export const MIGRATIONS_DIR: Record<Provider, string> = {
  sqlite: `${PRISMA_DIR}migrations`,
  postgresql: `${PRISMA_DIR}postgresql/migrations`,
};

/** Arbitrary constant: every instance takes the same PostgreSQL advisory lock while migrating. */
export const MIGRATION_LOCK_KEY = 724_211_001;

type Migration = { name: string; sql: string; checksum: string };

export function readMigrations(provider: Provider): Migration[] {
  const dir = MIGRATIONS_DIR[provider];
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${dir}/${entry.name}/migration.sql`))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(`${dir}/${name}/migration.sql`, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

type Applied = { migration_name: string; checksum: string };

const APPLIED_SQL =
  'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

/**
 * Applies what is pending; returns the names applied. Refuses (StartupError) when a migration
 * that was applied has since been edited: its change would silently never run.
 */
export async function applyMigrations(
  databaseUrl: string,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<string[]> {
  const provider = providerOf(databaseUrl);
  const migrations = readMigrations(provider);
  if (provider === 'sqlite') return migrateSqlite(databaseUrl, migrations);
  return withStartupConnection(databaseUrl, connectTimeoutMs, (client) => migratePostgres(client, migrations));
}

/** The migrations still to apply, after checking that none already applied has changed. */
function pendingAfterCheck(migrations: Migration[], applied: Applied[], provider: Provider): Migration[] {
  const checksums = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = checksums.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new StartupError(
        `Migration ${migration.name} was edited after it was applied to this database (checksum differs): restore ${MIGRATIONS_DIR[provider]}/${migration.name}/migration.sql and put the change in a new migration (npm run db:migration -- <name>).`,
      );
    }
  }
  return migrations.filter((m) => !checksums.has(m.name));
}

/** Opens the SQLite file, or says in one line which path cannot be used. */
function openSqlite(databaseUrl: string): Database.Database {
  const path = databaseUrl.slice('file:'.length);
  let db: Database.Database | undefined;
  try {
    db = new Database(sqlitePath(databaseUrl));
    db.pragma('journal_mode = WAL');
    return db;
  } catch (error) {
    db?.close();
    // mkdir's message names the part of the path at fault; SQLite's says what failed.
    const reason = `${(error as Error).message.split('\n')[0]} (${errorCode(error) ?? 'no code'})`;
    throw new StartupError(
      `Cannot open the SQLite database ${resolve(path)} (DATABASE_URL): ${reason}. Point DATABASE_URL at a file:<path> in a writable folder.`,
    );
  }
}

function migrateSqlite(databaseUrl: string, migrations: Migration[]): string[] {
  const db = openSqlite(databaseUrl);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const pending = pendingAfterCheck(migrations, db.prepare(APPLIED_SQL).all() as Applied[], 'sqlite');
    const record = db.prepare(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
       VALUES (?, ?, ?, current_timestamp, 1)`,
    );
    // Prisma redefines SQLite tables (create new, copy, drop, rename). SQLite's procedure for
    // that: foreign keys off outside the transaction, and a foreign_key_check before commit.
    db.pragma('foreign_keys = OFF');
    try {
      for (const migration of pending) {
        db.transaction(() => {
          db.exec(migration.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`${migration.name} breaks ${broken.length} foreign keys`);
          record.run(randomUUID(), migration.checksum, migration.name);
        }).immediate();
      }
    } finally {
      db.pragma('foreign_keys = ON');
    }
    return pending.map((m) => m.name);
  } finally {
    db.close();
  }
}

async function migratePostgres(client: pg.Client, migrations: Migration[]): Promise<string[]> {
  try {
    // Two instances starting at once: the second waits here, then finds nothing pending.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<Applied>(APPLIED_SQL);
    const pending = pendingAfterCheck(migrations, rows, 'postgresql');
    for (const migration of pending) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
  }
}
