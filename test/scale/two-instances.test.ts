// Two real server processes on one PostgreSQL database and one Redis: started at the same time
// (both migrate under the advisory lock), and receipts published on one reach subscribers on
// the other.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATION_LOCK_KEY, readMigrations } from '../../src/db/migrate.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { liveReceipts, type Probe } from '../helpers/live.ts';
import { CREATE_GROUP, MARK_CONVERSATION_READ, MARK_READ, SEND } from '../helpers/operations.ts';
import { okGql, type ServerProcess, spawnServer, sql, wsClientFor } from '../helpers/processes.ts';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: ServerProcess;
let b: ServerProcess;
const clients: { dispose(): void | Promise<void> }[] = [];
let waitersWhileHeld = -1;
let migratedWhileHeld: boolean | undefined;

beforeAll(async () => {
  database = await freshDatabase();
  // Hold the migration lock ourselves until both instances queue behind it, then let go: they
  // race for it at the same moment, and the loser must find nothing left to apply.
  const holder = new pg.Client({ connectionString: database.url });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    const env = { DATABASE_URL: database.url, REDIS_URL: inject('redisUrl') };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; ) {
      const { rows } = await holder.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database() AND l.objid = $1`,
        [MIGRATION_LOCK_KEY],
      );
      waitersWhileHeld = rows[0].n;
      if (waitersWhileHeld >= 2 || a.child.exitCode !== null || b.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const table = await holder.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
    migratedWhileHeld = table.rows[0].present;
  } finally {
    await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await holder.end();
  }
  await Promise.all([a.waitHealthy(), b.waitHealthy()]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all([a?.kill(), b?.kill()]);
  await database?.drop();
});

// User IDs carry this file's prefix: every file of the run shares one Redis, so its channels too.

/** A stranger marks their chat with `userID` read through `url`: lands on userID's unfiltered stream. */
const probeVia = (url: string, userID: string): Probe => ({
  poke: () => okGql(url, 'span-probe', MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` }),
  isPoke: (r) => r.conversationID === 'C2Cspan-probe',
});

describe('two server processes', () => {
  it('both start, and the migrations were applied exactly once', async () => {
    expect(waitersWhileHeld).toBe(2); // both instances waited for the migration lock
    expect(migratedWhileHeld).toBe(false);
    expect(inject('redisUrl')).toMatch(/^redis:\/\//);
    expect(a.output()).toContain('read receipts: GraphQL');
    expect(b.output()).toContain('read receipts: GraphQL');
    const rows = await sql<{ migration_name: string; checksum: string; finished: boolean }>(
      database.url,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished
       FROM _prisma_migrations ORDER BY migration_name, started_at`,
    );
    const migrations = readMigrations('postgresql');
    expect(migrations.length).toBeGreaterThan(0);
    expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true })));
  });

  it('answers GET /health and GET /ready with 200 on both', async () => {
    for (const server of [a, b]) {
      expect((await fetch(`${server.base}/health`)).status).toBe(200);
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
    }
  });

  it('delivers a receipt made through one instance to subscribers on the other, once each', async () => {
    await okGql(a.graphql, 'span-alice', CREATE_GROUP, {
      groupID: 'span',
      name: 'Span',
      type: 'WORK',
      memberIDs: ['span-bob', 'span-carol'],
    });
    const sent = await okGql(b.graphql, 'span-alice', SEND, {
      conversationID: 'GROUPspan',
      text: 'across instances',
      needReadReceipt: true,
    });
    const msgID = sent.sendMessage.msgID as string;

    // alice listens on B (pokes go through A, so "live" already means "events cross") and on A.
    const onB = await wsClientFor(b.ws, 'span-alice');
    const onA = await wsClientFor(a.ws, 'span-alice');
    clients.push(onB.client, onA.client);
    const liveB = await liveReceipts(onB.client, {}, probeVia(a.graphql, 'span-alice'));
    const liveA = await liveReceipts(onA.client, {}, probeVia(b.graphql, 'span-alice'));

    await okGql(a.graphql, 'span-bob', MARK_READ, { msgIDs: [msgID] });
    await okGql(b.graphql, 'span-carol', MARK_READ, { msgIDs: [msgID] });
    await okGql(a.graphql, 'span-carol', MARK_READ, { msgIDs: [msgID] }); // repeated: publishes nothing

    const expected = [1, 2].map((readCount) => ({
      msgID,
      conversationID: 'GROUPspan',
      userID: null,
      groupID: 'span',
      isPeerRead: readCount === 2, // everyone in the audience has read it
      timestamp: null,
      readCount,
      unreadCount: 2 - readCount,
    }));
    expect(await liveB.next(2)).toEqual(expected);
    expect(await liveA.next(2)).toEqual(expected);

    // One more receipt, for a new message: it comes next on both streams, so nothing was repeated.
    const sentAfter = await okGql(a.graphql, 'span-alice', SEND, {
      conversationID: 'GROUPspan',
      text: 'marker',
      needReadReceipt: true,
    });
    await okGql(b.graphql, 'span-bob', MARK_READ, { msgIDs: [sentAfter.sendMessage.msgID] });
    const marker = { ...expected[0], msgID: sentAfter.sendMessage.msgID };
    expect(await liveB.next(3)).toEqual([...expected, marker]);
    expect(await liveA.next(3)).toEqual([...expected, marker]);
  });
});
