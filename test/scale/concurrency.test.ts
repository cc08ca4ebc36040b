// Races on PostgreSQL: many real GraphQL requests at once, then exact figures recounted from the
// raw rows. A transaction that had to roll back (deadlock, serialization failure) shows up as a
// ROLLBACK in the app's query log even when the retry hid it, so the tests count those too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, startTestApp, type TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ, RECEIPTS, REMOVE_MEMBERS, SEND } from '../helpers/operations.ts';
import { counts, createGroup, listAll, send, unreadCounts, userIDs } from '../helpers/receipts.ts';

let t: TestApp;
const boss = 'boss';
const members = userIDs('m', 200);

beforeAll(async () => {
  t = await startTestApp();
  await createGroup(t, boss, 'crowd', members);
});
afterAll(() => t.stop());
// Hundreds of requests on two cores: generous limits, and no test measures time.
const slow = { timeout: 120_000 };

type Call = [userID: string, query: string, variables: Record<string, unknown>];

/** Fires every call at once; returns the results and how many transactions rolled back meanwhile. */
async function race(calls: Call[]): Promise<{ results: GqlResult[]; rollbacks: number }> {
  const mark = t.sql.length;
  const results = await Promise.all(calls.map(([user, query, variables]) => t.gql(user, query, variables)));
  return { results, rollbacks: t.sql.slice(mark).filter((q) => q.trim() === 'ROLLBACK').length };
}

const errorsOf = (results: GqlResult[]) => results.flatMap((r) => r.errors ?? []);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function receiptRows(msgID: string) {
  return t.db.receipt.findMany({
    where: { messageId: Number(msgID) },
    select: { userId: true, rank: true },
    orderBy: { rank: 'asc' },
  });
}

describe('concurrent reads of one group message', () => {
  it('counts 200 simultaneous readers (some twice) exactly once each', slow, async () => {
    const msgID = await send(t, boss, 'GROUPcrowd', 'all hands');
    const calls: Call[] = members.flatMap((user, i) => {
      const call: Call = [user, MARK_READ, { msgIDs: [msgID] }];
      return i % 5 === 0 ? [call, call] : [call];
    });
    expect(calls).toHaveLength(240);

    const { results, rollbacks } = await race(calls);
    expect(errorsOf(results)).toEqual([]);
    expect(results.map((r) => r.data?.markRead[0].msgID)).toEqual(calls.map(() => msgID));
    expect(rollbacks).toBe(0);

    expect(await counts(t, boss, msgID)).toEqual({ readCount: 200, unreadCount: 0 });
    const rows = await receiptRows(msgID);
    expect(rows).toHaveLength(200);
    expect(rows.map((r) => r.userId).sort()).toEqual(members);
    expect(rows.map((r) => r.rank)).toEqual(range(1, 200));
    const message = await t.db.message.findUniqueOrThrow({ where: { id: Number(msgID) } });
    expect(message).toMatchObject({ readCount: 200, audienceCount: 200, lastReadRank: 200 });

    const read = await listAll(t, boss, msgID, 'READ');
    expect(read).toHaveLength(200);
    expect([...read].sort()).toEqual(members);
    // READ is in read order: the same order as the ranks handed out under the row lock.
    expect(read).toEqual(rows.map((r) => r.userId));
    expect(await listAll(t, boss, msgID, 'UNREAD')).toEqual([]);
  });

  it('takes batches over many messages, in clashing orders, without deadlock or lost update', slow, async () => {
    const msgIDs: string[] = [];
    for (let j = 0; j < 10; j++) msgIDs.push(await send(t, boss, 'GROUPcrowd', `batch ${j}`));
    const readers = members.slice(0, 100);
    const calls: Call[] = [];
    const expected = msgIDs.map(() => new Set<string>());
    readers.forEach((user, i) => {
      const rotated = [...msgIDs.slice(i % 10), ...msgIDs.slice(0, i % 10)];
      const batch = (i % 2 ? rotated.reverse() : rotated).filter((id) => (i + msgIDs.indexOf(id)) % 4 !== 0);
      calls.push([user, MARK_READ, { msgIDs: batch }]);
      for (const id of batch) expected[msgIDs.indexOf(id)].add(user);
      if (i % 3 === 0) {
        calls.push([user, MARK_READ, { msgIDs: [...msgIDs].reverse() }]);
        for (const set of expected) set.add(user);
      }
    });
    expect(calls).toHaveLength(134);

    const { results, rollbacks } = await race(calls);
    expect(errorsOf(results)).toEqual([]);
    expect(rollbacks).toBe(0);

    const want = expected.map((set) => set.size);
    // (i + j) % 4 skips a quarter of the first batches; every third reader then reads all ten.
    expect(want).toEqual([84, 84, 83, 83, 84, 84, 83, 83, 84, 84]);
    const pulled = await t.ok(boss, RECEIPTS, { msgIDs });
    expect(pulled.messageReceipts.map((r: { readCount: number }) => r.readCount)).toEqual(want);
    expect(pulled.messageReceipts.map((r: { unreadCount: number }) => r.unreadCount)).toEqual(want.map((n) => 200 - n));
    for (const [j, msgID] of msgIDs.entries()) {
      const rows = await receiptRows(msgID);
      expect(rows.map((r) => r.userId).sort()).toEqual([...expected[j]].sort());
      expect(rows.map((r) => r.rank)).toEqual(range(1, want[j]));
    }
  });
});

describe('markConversationRead racing with sendMessage', () => {
  it('keeps every unread count equal to a recount from the raw rows', slow, async () => {
    const users = userIDs('t', 12);
    await createGroup(t, users[0], 'talk', users.slice(1));
    const conversationID = 'GROUPtalk';
    const calls: Call[] = users.flatMap((user) =>
      [0, 1, 2].flatMap((k): Call[] => [
        [user, SEND, { conversationID, text: `${user} says ${k}`, needReadReceipt: k === 1 }],
        [user, MARK_CONVERSATION_READ, { conversationID }],
      ]),
    );
    const { results, rollbacks } = await race(calls);
    expect(errorsOf(results)).toEqual([]);
    expect(rollbacks).toBe(0);

    const conversation = await t.db.conversation.findUniqueOrThrow({ where: { id: 'GROUPtalk' } });
    const seqs = await t.db.message.findMany({
      where: { conversationId: 'GROUPtalk' },
      select: { seq: true },
      orderBy: { seq: 'asc' },
    });
    expect(conversation.lastSeq).toBe(36);
    expect(seqs.map((m) => m.seq)).toEqual(range(1, 36));

    const recount: Record<string, number> = {};
    const reported: Record<string, number> = {};
    for (const user of users) {
      const { readSeq } = await t.db.participant.findUniqueOrThrow({
        where: { conversationId_userId: { conversationId: 'GROUPtalk', userId: user } },
      });
      recount[user] = await t.db.message.count({
        where: { conversationId: 'GROUPtalk', seq: { gt: readSeq }, senderId: { not: user } },
      });
      reported[user] = (await unreadCounts(t, user))[conversationID];
    }
    expect(reported).toEqual(recount);

    // One more send: everyone else has exactly one more unread, the sender none.
    await t.ok(users[5], SEND, { conversationID, text: 'last word' });
    for (const user of users) {
      const after = (await unreadCounts(t, user))[conversationID];
      expect(after).toBe(recount[user] + (user === users[5] ? 0 : 1));
    }
  });
});

describe('leaving while reading', () => {
  it('keeps read + unread equal to the current audience and strands no receipt', slow, async () => {
    const people = userIDs('x', 60);
    const leavers = people.slice(0, 20);
    const readers = people.slice(20, 50);
    const idle = people.slice(50);
    await createGroup(t, 'host', 'exit', people);
    const msgIDs = [
      await send(t, 'host', 'GROUPexit', 'one'),
      await send(t, 'host', 'GROUPexit', 'two'),
      await send(t, 'host', 'GROUPexit', 'three'),
    ];
    const calls: Call[] = [
      ...leavers.flatMap((user): Call[] => [
        [user, MARK_READ, { msgIDs }],
        [user, REMOVE_MEMBERS, { groupID: 'exit', userIDs: [user] }],
        [user, MARK_READ, { msgIDs: [...msgIDs].reverse() }],
      ]),
      ...readers.map((user): Call => [user, MARK_READ, { msgIDs }]),
    ];
    const { results, rollbacks } = await race(calls);

    const leaves = results.filter((_, i) => calls[i][1] === REMOVE_MEMBERS);
    expect(errorsOf(leaves)).toEqual([]);
    expect(leaves.map((r) => r.data?.removeGroupMembers.groupID)).toEqual(leavers.map(() => 'exit'));
    const readerResults = results.filter((_, i) => readers.includes(calls[i][0]));
    expect(errorsOf(readerResults)).toEqual([]);
    // A leaver's read may lose the race (FORBIDDEN) but may fail in no other way. It is refused
    // inside its batch, which commits the other calls: nothing rolls back, and nothing deadlocks.
    const leaverReads = results.filter((_, i) => leavers.includes(calls[i][0]) && calls[i][1] === MARK_READ);
    const refused = errorsOf(leaverReads);
    expect(new Set(refused.map((e) => e.extensions?.code))).toEqual(new Set(refused.length ? ['FORBIDDEN'] : []));
    expect(rollbacks).toBe(0);

    const conversation = await t.db.conversation.findUniqueOrThrow({ where: { id: 'GROUPexit' } });
    expect(conversation.memberCount).toBe(41);
    // Exact from the leaves on; then the leave sweeper takes the leavers' reads back.
    for (const msgID of msgIDs) expect(await counts(t, 'host', msgID)).toEqual({ readCount: 30, unreadCount: 10 });
    await t.app.services.leaveSweep.sweepAll();
    for (const msgID of msgIDs) {
      expect(await counts(t, 'host', msgID)).toEqual({ readCount: 30, unreadCount: 10 });
      // The stored audience stays as at send time (60); the 20 departures are counted when read.
      const message = await t.db.message.findUniqueOrThrow({ where: { id: Number(msgID) } });
      expect(message).toMatchObject({ readCount: 30, audienceCount: 60 });
      expect((await receiptRows(msgID)).map((r) => r.userId).sort()).toEqual(readers);
      expect((await listAll(t, 'host', msgID, 'READ')).sort()).toEqual(readers);
      expect(await listAll(t, 'host', msgID, 'UNREAD')).toEqual(idle);
    }
    expect(await t.db.receipt.count({ where: { userId: { in: leavers } } })).toBe(0);
    expect(await t.db.departure.count({ where: { conversationId: 'GROUPexit' } })).toBe(20);
    expect(await t.db.participant.count({ where: { conversationId: 'GROUPexit', userId: { in: leavers } } })).toBe(0);
  });
});

describe('removing many members at once while they read', () => {
  it('neither deadlocks nor strands a receipt when one leave takes many member rows', slow, async () => {
    const people = userIDs('y', 60);
    const removed = people.slice(0, 30);
    const stay = people.slice(30);
    await createGroup(t, 'chief', 'purge', people);
    const msgIDs = [await send(t, 'chief', 'GROUPpurge', 'a'), await send(t, 'chief', 'GROUPpurge', 'b')];
    // Batches share-lock many member rows while one leave deletes 30 of them. Both take the rows
    // in key order by design (ORDER BY); PostgreSQL's scans tend to as well, so this checks the
    // outcome (no deadlock retried, exact counts, nothing stranded) rather than proving the order.
    const calls: Call[] = [
      ...people.map((user, i): Call => [user, MARK_READ, { msgIDs: i % 2 ? msgIDs : [...msgIDs].reverse() }]),
      ['chief', REMOVE_MEMBERS, { groupID: 'purge', userIDs: [...removed].reverse() }],
      ...people.map((user): Call => [user, MARK_READ, { msgIDs }]),
    ];
    const { results, rollbacks } = await race(calls);

    expect(rollbacks).toBe(0);
    const codes = errorsOf(results).map((e) => e.extensions?.code);
    expect(new Set(codes)).toEqual(new Set(codes.length ? ['FORBIDDEN'] : []));
    for (const msgID of msgIDs) expect(await counts(t, 'chief', msgID)).toEqual({ readCount: 30, unreadCount: 0 });
    await t.app.services.leaveSweep.sweepAll();
    for (const msgID of msgIDs) {
      expect(await counts(t, 'chief', msgID)).toEqual({ readCount: 30, unreadCount: 0 });
      const message = await t.db.message.findUniqueOrThrow({ where: { id: Number(msgID) } });
      expect(message).toMatchObject({ readCount: 30, audienceCount: 60 });
      expect((await receiptRows(msgID)).map((r) => r.userId).sort()).toEqual(stay);
    }
    expect(await t.db.receipt.count({ where: { userId: { in: removed } } })).toBe(0);
  });
});
