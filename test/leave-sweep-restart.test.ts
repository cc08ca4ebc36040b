// The leave sweeper survives a crash: a real server process is SIGKILLed in the middle of taking
// a leaver's reads back, and the next one finishes it, with no read taken back twice or left.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.ts';
import { freshDatabase, testProvider } from './helpers/databases.ts';
import { CREATE_GROUP, MARK_READ, RECEIPTS, REMOVE_MEMBERS, SEND } from './helpers/operations.ts';
import { okGql, type ServerProcess, spawnServer, sql, waitFor } from './helpers/processes.ts';

const servers: ServerProcess[] = [];
let drop: () => Promise<void> = async () => {};
afterAll(async () => {
  for (const server of servers) await server.kill();
  await drop();
});

type Stored = { goneReads: number; waiting: number; readCounts: number };

/** The leaver's reads still stored, leaves still waiting, and the sum of stored readCounts. */
async function stored(databaseUrl: string): Promise<Stored> {
  const query = `SELECT
    (SELECT COUNT(*) FROM "Receipt" WHERE "userId" = 'gone') AS "goneReads",
    (SELECT COUNT(*) FROM "ReceiptTakeback") AS "waiting",
    (SELECT SUM("readCount") FROM "Message") AS "readCounts"`;
  let row: Record<string, unknown>;
  if (testProvider === 'postgresql') [row] = await sql(databaseUrl, query);
  else {
    const db = new Database(databaseUrl.slice('file:'.length), { readonly: true });
    try {
      row = db.prepare(query).get() as Record<string, unknown>;
    } finally {
      db.close();
    }
  }
  return { goneReads: Number(row.goneReads), waiting: Number(row.waiting), readCounts: Number(row.readCounts) };
}

async function server(env: Record<string, string>) {
  const s = await spawnServer(env as { DATABASE_URL: string });
  servers.push(s);
  await s.waitHealthy();
  return s;
}

describe('leave sweeper across a SIGKILL', () => {
  it('finishes after a restart, each read taken back once', async () => {
    const database = await freshDatabase();
    drop = database.drop;
    const DATABASE_URL = database.url;

    // An app in this process that is never started (so no sweeper runs): 8 messages, each read
    // by `gone` and `kept`; then `gone` leaves.
    const seeding = await startTestApp({ DATABASE_URL });
    await seeding.ok('alice', CREATE_GROUP, {
      groupID: 'crash',
      name: 'Crash',
      type: 'WORK',
      memberIDs: ['gone', 'kept'],
    });
    const msgIDs: string[] = [];
    for (let i = 0; i < 8; i++) {
      const sent = await seeding.ok('alice', SEND, {
        conversationID: 'GROUPcrash',
        text: `m${i}`,
        needReadReceipt: true,
      });
      msgIDs.push(sent.sendMessage.msgID);
    }
    for (const reader of ['gone', 'kept']) await seeding.ok(reader, MARK_READ, { msgIDs });
    await seeding.ok('gone', REMOVE_MEMBERS, { groupID: 'crash', userIDs: ['gone'] });
    const before = (await seeding.ok('alice', RECEIPTS, { msgIDs })).messageReceipts;
    expect(before.map((r: { readCount: number }) => r.readCount)).toEqual(msgIDs.map(() => 1));
    await seeding.stop();
    expect(await stored(DATABASE_URL)).toEqual({ goneReads: 8, waiting: 1, readCounts: 16 });

    // One read per transaction and a pause: a sweep of 8 steps, started with the server.
    const sweeping = { DATABASE_URL, RECEIPT_SWEEP_BATCH_ROWS: '1', RECEIPT_SWEEP_PAUSE_MS: '250' };
    const second = await server(sweeping);
    await waitFor(async () => (await stored(DATABASE_URL)).goneReads <= 6, 'the sweep to start', 60_000);
    second.child.kill('SIGKILL');
    await second.exited;
    const midway = await stored(DATABASE_URL);
    expect(midway.goneReads).toBeGreaterThan(0); // it was stopped mid-sweep...
    expect(midway.waiting).toBe(1);
    // ...and each read went with its count, or neither did.
    expect(midway.readCounts).toBe(8 + midway.goneReads);

    const third = await server(sweeping);
    await waitFor(async () => (await stored(DATABASE_URL)).waiting === 0, 'the sweep to finish', 60_000);
    expect(await stored(DATABASE_URL)).toEqual({ goneReads: 0, waiting: 0, readCounts: 8 });
    expect((await okGql(third.graphql, 'alice', RECEIPTS, { msgIDs })).messageReceipts).toEqual(before);
  }, 240_000);
});
