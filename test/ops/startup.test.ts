// Start-up mistakes end in one line on stderr naming the setting and what to do, and exit
// code 1, never a stack dump: each case spawns the real server with one thing wrong. The
// control: the same command with nothing wrong serves (production-start.test.ts too).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations } from '../../src/db/migrate.ts';
import { freePort } from '../setup/servers.ts';
import { expectOneLineFailure, PRODUCTION_SECRET, startServer, waitHealthy } from './spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'rr-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqliteUrl = (name: string) => `file:${join(dir, name)}`;

// Each case starts a real process; on a busy 2-core machine that can take several seconds.
describe('a start-up mistake is one line and exit code 1', { timeout: 120_000 }, () => {
  it('control: the same command with nothing wrong starts and answers', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), DATABASE_URL: sqliteUrl('control.db') });
    await waitHealthy(server, port);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(server.stderr()).toBe('');
  });

  it('PORT=abc names PORT and the range, not a ZodError', async () => {
    const line = await expectOneLineFailure({ PORT: 'abc' }, /Invalid setting PORT \(got "abc"\): .*0 to 65535/);
    expect(line).not.toMatch(/ZodError|"code"/);
  });

  it('a port in use names the port', async () => {
    const port = await freePort();
    // Listening on every interface, as the server does, so the two binds conflict.
    const holder: Server = await new Promise((resolve) => {
      const server = createServer().listen(port, () => resolve(server));
    });
    try {
      await expectOneLineFailure(
        { PORT: String(port), DATABASE_URL: sqliteUrl('port.db') },
        new RegExp(`PORT ${port} is already in use.*set PORT to a free port \\(EADDRINUSE\\)`),
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('an SQLite path that cannot be written names the path', async () => {
    // A regular file where a folder should be: refused even for root, who ignores permissions.
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    await expectOneLineFailure(
      { PORT: '0', DATABASE_URL: `file:${file}/app.db` },
      new RegExp(`Cannot open the SQLite database ${file}/app.db \\(DATABASE_URL\\).*writable folder`),
    );
    // A folder where the database file should be.
    await expectOneLineFailure(
      { PORT: '0', DATABASE_URL: `file:${dir}` },
      // The file is created 0600 before SQLite opens it (client.ts), so a folder fails there first.
      new RegExp(`Cannot open the SQLite database ${dir} \\(DATABASE_URL\\): (unable to open database file|EISDIR)`),
    );
  });

  it('a malformed DATABASE_URL says what is expected, and never prints the password', async () => {
    for (const url of ['mysql://localhost/db', 'postgresql://app:hunter2@[bad/db', 'postgresql://app:hunter2@/db']) {
      const line = await expectOneLineFailure(
        { PORT: '0', DATABASE_URL: url },
        /Invalid setting DATABASE_URL: expected file:<path> \(SQLite\) or postgresql:\/\//,
      );
      expect(line).not.toContain('hunter2');
    }
  });

  it('production refuses a missing, short or public development AUTH_SECRET', async () => {
    const production = { NODE_ENV: 'production', PORT: '0', DATABASE_URL: sqliteUrl('secret.db') };
    await expectOneLineFailure({ ...production, AUTH_SECRET: '' }, /AUTH_SECRET is required with NODE_ENV=production/);
    await expectOneLineFailure({ ...production, AUTH_SECRET: 'x' }, /AUTH_SECRET is 1 bytes, too short .* 32 or more/);
    await expectOneLineFailure(
      { ...production, AUTH_SECRET: 'dev-secret-change-me-0123456789abcdef' },
      /AUTH_SECRET is the public development secret, refused with NODE_ENV=production/,
    );
    // The control: production with a proper secret gets past the check (production-start.test.ts serves).
    expect(PRODUCTION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('a migration edited after it was applied is refused, naming it', async () => {
    const intact = sqliteUrl('intact.db');
    const edited = sqliteUrl('edited.db');
    await applyMigrations(intact);
    await applyMigrations(edited);
    // Control: an intact database passes the check and has nothing pending.
    expect(await applyMigrations(intact)).toEqual([]);
    // What an edited file looks like from the database: the recorded checksum no longer matches.
    const first = readMigrations('sqlite')[0].name;
    const db = new Database(join(dir, 'edited.db'));
    db.prepare('UPDATE _prisma_migrations SET checksum = ? WHERE migration_name = ?').run('0'.repeat(64), first);
    db.close();
    await expectOneLineFailure(
      { PORT: '0', DATABASE_URL: edited },
      new RegExp(`Migration ${first} was edited after it was applied .*new migration`),
    );
  });
});
