// Start-up against PostgreSQL: a database that is down is retried for
// DATABASE_CONNECT_TIMEOUT_SECONDS and then named in one line; one that is shutting down or
// starting (57P03) and comes up late is waited for, and the server then serves; a database that
// refuses for good (no such database) and an edited migration fail at once, in one line.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { applyMigrations, readMigrations } from '../../src/db/migrate.ts';
import { freePort, initPostgres } from '../setup/servers.ts';
import { expectOneLineFailure, startServer, waitHealthy } from './spawn.ts';

const sharedUrl = inject('postgresUrl');

async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('start-up with PostgreSQL', { timeout: 180_000 }, () => {
  it('nothing listening: retried for DATABASE_CONNECT_TIMEOUT_SECONDS, then one line', async () => {
    const port = await freePort();
    await expectOneLineFailure(
      {
        PORT: '0',
        DATABASE_URL: `postgresql://app:hunter2@127.0.0.1:${port}/receipts`,
        DATABASE_CONNECT_TIMEOUT_SECONDS: '2',
      },
      new RegExp(
        `PostgreSQL at 127.0.0.1:${port}/receipts \\(DATABASE_URL\\) is not reachable after 2 s: .*ECONNREFUSED.*DATABASE_CONNECT_TIMEOUT_SECONDS`,
      ),
    );
  });

  it('no such database: one line at once, naming it', async () => {
    const url = new URL(sharedUrl);
    url.pathname = '/no_such_database';
    await expectOneLineFailure(
      { PORT: '0', DATABASE_URL: url.toString() },
      /refused start-up: database "no_such_database" does not exist \(3D000\)\. Fix DATABASE_URL/,
    );
  });

  it('shutting down (57P03), then down, then up late: the server waits, migrates and serves', async () => {
    const late = await initPostgres();
    late.start();
    // A smart shutdown waits for this open session and meanwhile refuses new ones with 57P03,
    // the code a starting server gives too.
    const session = new pg.Client({ connectionString: late.url });
    await session.connect();
    late.stop('smart');
    const port = await freePort();
    const server = startServer({ PORT: String(port), DATABASE_URL: late.url, DATABASE_CONNECT_TIMEOUT_SECONDS: '120' });
    try {
      while (!server.stdout().includes('not up yet')) {
        expect(server.child.exitCode).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(server.stdout()).toContain('not up yet (57P03)');
      await session.end();
      late.waitStopped(); // now refused outright (ECONNREFUSED) for a while
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      late.start();
      await waitHealthy(server, port);
      const check = new pg.Client({ connectionString: late.url });
      await check.connect();
      const { rows } = await check.query('SELECT count(*)::int AS n FROM _prisma_migrations');
      await check.end();
      expect(rows[0].n).toBe(readMigrations('postgresql').length);
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      expect(server.stderr()).toBe('');
    } finally {
      server.child.kill('SIGKILL');
      late.stop();
    }
  });

  it('a migration edited after it was applied is refused, naming it', async () => {
    const url = await createDatabase('ops_edited_migration');
    await applyMigrations(url);
    // Control: intact, it passes the check with nothing pending.
    expect(await applyMigrations(url)).toEqual([]);
    const first = readMigrations('postgresql')[0].name;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2', ['0'.repeat(64), first]);
    await db.end();
    await expectOneLineFailure(
      { PORT: '0', DATABASE_URL: url },
      new RegExp(`Migration ${first} was edited after it was applied .*new migration`),
    );
  });
});
