// The retention sweep survives a crash: a real server process is SIGKILLed in the middle of a
// sweep, and the next one finishes it from the durable cursor, with no receipt lost or doubled.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.ts';
import { freshDatabase, testProvider } from './helpers/databases.ts';
import { CREATE_GROUP, MARK_READ, READ_MEMBERS, RECEIPTS, SEND } from './helpers/operations.ts';
import { okGql, postGql, type ServerProcess, spawnServer, sql, waitFor } from './helpers/processes.ts';

const READERS = Array.from({ length: 8 }, (_, i) => `reader${i}`);
const servers: ServerProcess[] = [];
let drop: () => Promise<void> = async () => {};
afterAll(async () => {
  for (const server of servers) await server.kill();
  await drop();
});

/** Receipt rows and retained pairs, read on the test's own connection. */
async function rows(databaseUrl: string): Promise<{ receipts: number; pairs: number }> {
  const query = `SELECT (SELECT COUNT(*) FROM "Receipt") AS receipts, (SELECT COUNT(*) FROM "ExpiredReceipt") AS pairs`;
  if (testProvider === 'postgresql') {
    const [r] = await sql<{ receipts: string; pairs: string }>(databaseUrl, query);
    return { receipts: Number(r.receipts), pairs: Number(r.pairs) };
  }
  const db = new Database(databaseUrl.slice('file:'.length), { readonly: true });
  try {
    return db.prepare(query).get() as { receipts: number; pairs: number };
  } finally {
    db.close();
  }
}

async function server(env: Record<string, string>) {
  const s = await spawnServer(env as { DATABASE_URL: string });
  servers.push(s);
  await s.waitHealthy();
  return s;
}

describe('retention sweep across a SIGKILL', () => {
  it('finishes after a restart with the figures unchanged', async () => {
    const database = await freshDatabase();
    drop = database.drop;
    const DATABASE_URL = database.url;

    // No retention yet (an app in this process, on the same database): 2 group messages, each
    // read by 8 members.
    const seeding = await startTestApp({ DATABASE_URL });
    await seeding.ok('alice', CREATE_GROUP, { groupID: 'crash', name: 'Crash', type: 'WORK', memberIDs: READERS });
    const msgIDs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sent = await seeding.ok('alice', SEND, {
        conversationID: 'GROUPcrash',
        text: `m${i}`,
        needReadReceipt: true,
      });
      msgIDs.push(sent.sendMessage.msgID);
    }
    for (const reader of READERS) await seeding.ok(reader, MARK_READ, { msgIDs });
    const before = (await seeding.ok('alice', RECEIPTS, { msgIDs })).messageReceipts;
    expect(before.map((r: { readCount: number }) => r.readCount)).toEqual([8, 8]);
    await seeding.stop();

    // A retention of one second, one row per transaction and a pause: a sweep of 16 steps.
    const sweeping = {
      DATABASE_URL,
      RECEIPT_RETENTION_DAYS: String(1 / 86_400),
      RECEIPT_SWEEP_BATCH_ROWS: '1',
      RECEIPT_SWEEP_PAUSE_MS: '250',
      RECEIPT_SWEEP_INTERVAL_MS: '100',
    };
    const second = await server(sweeping);
    await waitFor(async () => (await rows(DATABASE_URL)).receipts <= 13, 'the sweep to start', 60_000);
    second.child.kill('SIGKILL');
    await second.exited;
    const midway = await rows(DATABASE_URL);
    expect(midway.receipts).toBeGreaterThan(0); // it was stopped mid-sweep...
    expect(midway.receipts + midway.pairs).toBe(16); // ...and every batch moved whole or not at all

    const third = await server(sweeping);
    await waitFor(async () => (await rows(DATABASE_URL)).receipts === 0, 'the sweep to finish', 60_000);
    expect(await rows(DATABASE_URL)).toEqual({ receipts: 0, pairs: 16 });
    expect((await okGql(third.graphql, 'alice', RECEIPTS, { msgIDs })).messageReceipts).toEqual(before);
    const expired = await postGql(third.graphql, 'alice', READ_MEMBERS, { msgID: msgIDs[0], filter: 'READ' });
    expect(expired.errors?.[0]?.extensions?.code).toBe('READ_RECEIPT_EXPIRED');
    // A reader who read before the crash is not counted again.
    await okGql(third.graphql, READERS[0], MARK_READ, { msgIDs });
    expect((await okGql(third.graphql, 'alice', RECEIPTS, { msgIDs })).messageReceipts).toEqual(before);
  }, 240_000);
});
