// Writes whose cost must not grow with history or with the size of their input: each runs a
// fixed number of set-based statements (counted with the app's query log), and stays exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../src/generated/prisma/client.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { ADD_MEMBERS, MARK_CONVERSATION_READ, MARK_READ, RECEIPTS, REMOVE_MEMBERS } from './helpers/operations.ts';
import { counts, createGroup, listAll, send, userIDs } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

/** Runs one operation and returns its data with the SQL statements it ran. */
async function measured(userID: string, query: string, variables: Record<string, unknown>) {
  t.sql.length = 0;
  const data = await t.ok(userID, query, variables);
  return { data, statements: [...t.sql] };
}

/** `count` messages from `senderID` after the conversation's last one, written straight to the database. */
async function seedHistory(key: string, senderID: string, count: number, audienceCount: number) {
  const { lastSeq } = await t.db.conversation.findUniqueOrThrow({ where: { id: key } });
  // One statement (a recursive series works on both databases): Prisma's createMany takes seconds here.
  await t.db.$executeRaw`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO "Message" ("conversationId", "seq", "senderId", "text", "needReadReceipt", "audienceCount", "createdAt")
    SELECT ${key}, ${lastSeq} + i, ${senderID}, 'old', ${true}, ${audienceCount}, ${new Date()} FROM n`;
  await t.db.conversation.update({ where: { id: key }, data: { lastSeq: lastSeq + count } });
}

/** Receipts of `readerID` for every `every`-th message that has none yet, with the counters markRead would set. */
async function seedReads(key: string, readerID: string, every: number) {
  const chosen = Prisma.sql`SELECT "id" FROM "Message" WHERE "conversationId" = ${key} AND "seq" % ${every} = 0
    AND "lastReadRank" = 0`;
  await t.db.$executeRaw`INSERT INTO "Receipt" ("messageId", "userId", "rank", "readAt")
    SELECT "id", ${readerID}, 1, ${new Date()} FROM (${chosen}) c`;
  await t.db.$executeRaw`UPDATE "Message" SET "readCount" = 1, "lastReadRank" = 1
    WHERE "id" IN (SELECT "messageId" FROM "Receipt" WHERE "userId" = ${readerID})
      AND "conversationId" = ${key} AND "lastReadRank" = 0`;
}

describe('markConversationRead', () => {
  it('costs the same statements and writes one row for 10 and for 5,000 unread messages, and reads each one', async () => {
    const runs = [];
    for (const [reader, unread] of [
      ['ten', 10],
      ['many', 5_000],
    ] as const) {
      const first = await send(t, 'writer', `C2C${reader}`, 'hello');
      const key = `C2C${reader}:writer`;
      await seedHistory(key, 'writer', unread - 1, 1);
      const last = await send(t, 'writer', `C2C${reader}`, 'latest');
      const run = await measured(reader, MARK_CONVERSATION_READ, { conversationID: 'C2Cwriter' });
      expect(run.data.markConversationRead.unreadCount).toBe(0);
      // One range row for the whole read; no row per message.
      expect(await t.db.receipt.count({ where: { userId: reader } })).toBe(0);
      expect(await t.db.conversationRead.count({ where: { readerId: reader } })).toBe(1);
      const figures = await t.ok('writer', RECEIPTS, { msgIDs: [first, last] });
      for (const figure of figures.messageReceipts) {
        expect(figure).toMatchObject({ isPeerRead: true, readCount: 1, unreadCount: 0 });
      }
      runs.push(run.statements.length);
    }
    expect(runs[1]).toBe(runs[0]);
  });
});

describe('addGroupMembers', () => {
  it('costs the same statements for 5 and for 500 members, and counts only those who were not members', async () => {
    await createGroup(t, 'host', 'club', ['early']);
    const runs = [];
    for (const size of [5, 500]) {
      // One of them is a member already: it may not count twice.
      const joining = ['early', ...userIDs(`j${size}-`, size - 1)];
      const run = await measured('host', ADD_MEMBERS, { groupID: 'club', userIDs: joining });
      runs.push(run.statements.length);
    }
    expect(runs[1]).toBe(runs[0]);
    const memberCount = 2 + 4 + 499;
    expect((await t.ok('host', ADD_MEMBERS, { groupID: 'club', userIDs: ['early'] })).addGroupMembers).toEqual({
      groupID: 'club',
      memberCount,
    });
    expect(await t.db.participant.count({ where: { conversationId: 'GROUPclub' } })).toBe(memberCount);
    // The new members are the audience of the next message.
    const msgID = await send(t, 'host', 'GROUPclub', 'welcome');
    expect(await counts(t, 'host', msgID)).toEqual({ readCount: 0, unreadCount: memberCount - 1 });
  });
});

describe('a member leaving', () => {
  it('costs the same statements whatever the history and the reads to take back, and writes no message', async () => {
    const runs = [];
    for (const history of [10, 5_000]) {
      const groupID = `hist${history}`;
      const key = `GROUP${groupID}`;
      await createGroup(t, 'owner', groupID, ['stay', 'goer']);
      const read = await send(t, 'owner', key, 'read by the goer');
      await seedHistory(key, 'owner', history, 2);
      await t.ok('goer', MARK_READ, { msgIDs: [read] });
      await t.ok('stay', MARK_READ, { msgIDs: [read] });
      // The long history's goer also read every 10th old message (500 reads), written by hand.
      if (history > 10) await seedReads(key, 'goer', 10);
      const before = await t.db.message.findMany({ where: { conversationId: key }, orderBy: { seq: 'asc' } });
      const goersReads = await t.db.receipt.count({ where: { userId: 'goer', message: { conversationId: key } } });
      expect(goersReads).toBe(history > 10 ? 501 : 1);

      const run = await measured('goer', REMOVE_MEMBERS, { groupID, userIDs: ['goer'] });
      runs.push(run.statements.length);

      // The leave wrote no message row: the sweeper takes the reads back afterwards.
      const after = await t.db.message.findMany({ where: { conversationId: key }, orderBy: { seq: 'asc' } });
      expect(after).toEqual(before);
      await expectGoerGone(key, read, String(after.at(-1)?.id));
      expect(await t.app.services.leaveSweep.sweepAll()).toBe(goersReads);
      // Swept: only the messages the goer read changed, each by their one read.
      const swept = await t.db.message.findMany({ where: { conversationId: key }, orderBy: { seq: 'asc' } });
      const changed = swept.filter((m, i) => m.readCount !== before[i].readCount);
      expect(changed).toHaveLength(goersReads);
      expect(swept.map((m, i) => before[i].readCount - m.readCount).filter((d) => d !== 0 && d !== 1)).toEqual([]);
      expect(await t.db.receipt.count({ where: { userId: 'goer' } })).toBe(0);
      await expectGoerGone(key, read, String(after.at(-1)?.id));
    }
    expect(runs[1]).toBe(runs[0]);
  });

  /** Seen through the API, the goer left every list and every audience. */
  async function expectGoerGone(key: string, read: string, last: string) {
    expect(await counts(t, 'owner', read)).toEqual({ readCount: 1, unreadCount: 0 });
    expect(await counts(t, 'owner', last)).toEqual({ readCount: 0, unreadCount: 1 });
    expect(await listAll(t, 'owner', read, 'READ')).toEqual(['stay']);
    expect(await listAll(t, 'owner', last, 'UNREAD')).toEqual(['stay']);
    expect(await t.db.departure.count({ where: { conversationId: key, userId: 'goer' } })).toBe(1);
  }

  it('counts each stay once: leave, come back, read, leave again', async () => {
    await createGroup(t, 'boss', 'door', ['ann', 'ben']);
    const old = await send(t, 'boss', 'GROUPdoor', 'before');
    await t.ok('ann', MARK_READ, { msgIDs: [old] });
    await t.ok('ann', REMOVE_MEMBERS, { groupID: 'door', userIDs: ['ann'] });
    expect(await counts(t, 'boss', old)).toEqual({ readCount: 0, unreadCount: 1 });
    // Back in: not the audience of the old message, but of the new one.
    await t.ok('boss', ADD_MEMBERS, { groupID: 'door', userIDs: ['ann'] });
    const fresh = await send(t, 'boss', 'GROUPdoor', 'after');
    await t.ok('ann', MARK_READ, { msgIDs: [old, fresh] });
    expect(await counts(t, 'boss', old)).toEqual({ readCount: 0, unreadCount: 1 });
    expect(await counts(t, 'boss', fresh)).toEqual({ readCount: 1, unreadCount: 1 });
    await t.ok('ann', REMOVE_MEMBERS, { groupID: 'door', userIDs: ['ann'] });
    expect(await counts(t, 'boss', fresh)).toEqual({ readCount: 0, unreadCount: 1 });
    // A sender's own leave takes no one out of their message's audience: they never were in it.
    await t.ok('ben', MARK_READ, { msgIDs: [fresh] });
    const bens = await send(t, 'ben', 'GROUPdoor', 'from ben');
    await t.ok('boss', MARK_READ, { msgIDs: [bens] });
    await t.ok('ben', REMOVE_MEMBERS, { groupID: 'door', userIDs: ['ben'] });
    expect(await counts(t, 'boss', fresh)).toEqual({ readCount: 0, unreadCount: 0 });
    expect(await counts(t, 'ben', bens)).toEqual({ readCount: 1, unreadCount: 0 });
    expect(await t.db.departure.count({ where: { conversationId: 'GROUPdoor' } })).toBe(3);
  });
});
