// A fresh, empty database for one test file: a temp SQLite file, or (in the postgresql
// project) a new database on the test PostgreSQL server, dropped afterwards.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export const testProvider = (process.env.TEST_PROVIDER ?? 'sqlite') as 'sqlite' | 'postgresql';

/** Runs one statement on the test server's admin database. */
export async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (testProvider === 'sqlite') {
    return { url: `file:${join(mkdtempSync(join(tmpdir(), 'rr-test-')), 'test.db')}`, drop: async () => {} };
  }
  const name = `rr_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
