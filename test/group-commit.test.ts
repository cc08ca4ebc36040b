// markRead's group commit: calls that arrive while a batch is being written, or in the same
// event-loop turn as its first call, share one transaction. Calls made in one tick are the
// deterministic case: they all go together. Each call keeps its own checks and its own error.
import type { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptView } from '../src/resolvers/receipt-view.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { counts, createGroup, listAll, send, userIDs } from './helpers/receipts.ts';

let t: TestApp;
const members = userIDs('gc', 40);

beforeAll(async () => {
  t = await startTestApp();
  await createGroup(t, 'gcboss', 'gcroom', members);
  await createGroup(t, 'gcboss', 'gcother', ['gcoutsider']);
  // Every reader's user record exists, so the calls below write nothing but receipts.
  for (const m of [...members, 'gcoutsider']) await t.ok(m, 'query { me { userID } }');
});
afterAll(() => t.stop());

type Settled = { ok: true; views: ReceiptView[] } | { ok: false; code: unknown };

/** Starts every call in the same tick, then waits for all; returns outcomes and the transactions they took. */
async function sameTick(calls: [readerID: string, msgIDs: string[]][]) {
  const mark = t.sql.length;
  const pending = calls.map(([reader, ids]) => t.app.services.receipts.markRead(reader, ids.map(Number)));
  const settled: Settled[] = await Promise.all(
    pending.map((p) =>
      p.then(
        (views): Settled => ({ ok: true, views }),
        (error: GraphQLError): Settled => ({ ok: false, code: error.extensions?.code }),
      ),
    ),
  );
  const commits = t.sql.slice(mark).filter((q) => q.trim() === 'COMMIT').length;
  return { settled, commits };
}

const receiptsOf = async (msgID: string) =>
  t.db.receipt.findMany({ where: { messageId: Number(msgID) }, select: { userId: true, rank: true } });

describe('group commit of concurrent markRead calls', () => {
  it('writes 40 calls in one transaction, with exact counts and one rank each', async () => {
    const msgID = await send(t, 'gcboss', 'GROUPgcroom', 'batch me');
    const { settled, commits } = await sameTick(members.map((m) => [m, [msgID]]));

    expect(settled.every((s) => s.ok)).toBe(true);
    expect(commits).toBe(1);
    expect(await counts(t, 'gcboss', msgID)).toEqual({ readCount: 40, unreadCount: 0 });
    const rows = await receiptsOf(msgID);
    expect(rows.map((r) => r.rank).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The READ list follows the ranks, which follow the order the calls arrived in.
    expect(await listAll(t, 'gcboss', msgID, 'READ')).toEqual(members);
  });

  it('gives each failing call its own error and writes nothing for it, while the rest of the batch lands', async () => {
    const msgID = await send(t, 'gcboss', 'GROUPgcroom', 'mixed batch');
    const own = await send(t, members[1], 'GROUPgcroom', 'my own');
    const noReceipt = await send(t, 'gcboss', 'GROUPgcroom', 'no receipt wanted', false);
    const elsewhere = await send(t, 'gcboss', 'GROUPgcother', 'other room');
    const { settled, commits } = await sameTick([
      [members[0], [msgID]],
      [members[1], [msgID, own]], // its own message: the whole call fails
      ['gcoutsider', [msgID]], // not a member
      [members[2], [msgID, '999999999']], // an id that does not exist
      [members[3], [msgID, elsewhere]], // two conversations
      [members[4], [noReceipt]],
      [members[5], [msgID]],
      [members[5], [msgID]], // the same reader twice in one batch: counted once
      [members[6], [msgID]],
    ]);

    expect(commits).toBe(1);
    expect(settled.map((s) => (s.ok ? 'ok' : s.code))).toEqual([
      'ok',
      'BAD_USER_INPUT',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'ok',
      'ok',
      'ok',
    ]);
    const rows = await receiptsOf(msgID);
    expect(rows.map((r) => r.userId).sort()).toEqual([members[0], members[5], members[6]]);
    expect(await counts(t, 'gcboss', msgID)).toEqual({ readCount: 3, unreadCount: 37 });
    expect(await receiptsOf(noReceipt)).toEqual([]);
    // Both calls of the repeated reader report the one first read.
    const [first, second] = settled.slice(6, 8) as { ok: true; views: ReceiptView[] }[];
    expect(second.views[0].timestamp).toEqual(first.views[0].timestamp);
  });

  it('returns the first read time to a reader who reads again in a later batch', async () => {
    const msgID = await send(t, 'gcboss', 'GROUPgcroom', 'read twice');
    const before = await sameTick([[members[7], [msgID]]]);
    const again = await sameTick([
      [members[8], [msgID]],
      [members[7], [msgID]],
    ]);
    const firstRead = (before.settled[0] as { ok: true; views: ReceiptView[] }).views[0].timestamp;
    expect((again.settled[1] as { ok: true; views: ReceiptView[] }).views[0].timestamp).toEqual(firstRead);
    expect(await counts(t, 'gcboss', msgID)).toEqual({ readCount: 2, unreadCount: 38 });
  });
});

describe('a batch that fails', () => {
  it('rolls back every call in it: no receipt and no counter change is left behind', async () => {
    const msgID = await send(t, 'gcboss', 'GROUPgcroom', 'doomed batch');
    // A stray row on the next rank: the batch's receipt INSERT hits the (messageId, rank) key.
    await t.db.receipt.create({ data: { messageId: Number(msgID), userId: members[39], rank: 1, readAt: new Date() } });
    const before = await t.db.message.findUniqueOrThrow({ where: { id: Number(msgID) } });

    const { settled } = await sameTick([
      [members[10], [msgID]],
      [members[11], [msgID]],
    ]);

    expect(settled.map((s) => s.ok)).toEqual([false, false]);
    expect(await t.db.message.findUniqueOrThrow({ where: { id: Number(msgID) } })).toEqual(before);
    expect((await receiptsOf(msgID)).map((r) => r.userId)).toEqual([members[39]]);
    // The connection is usable afterwards: the next batch on another message lands.
    const next = await send(t, 'gcboss', 'GROUPgcroom', 'after the failure');
    const after = await sameTick([[members[10], [next]]]);
    expect(after.settled[0].ok).toBe(true);
  });
});
