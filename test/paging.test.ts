// Keyset paging: readMembers while reads keep landing, message history, and the conversation list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { MARK_READ, MESSAGES, SEND } from './helpers/operations.ts';
import { createGroup, type MemberPage, page, send, userIDs } from './helpers/receipts.ts';

let t: TestApp;
const SENDER = 'boss';
const members = userIDs('p', 250);
beforeAll(async () => {
  t = await startTestApp();
  await createGroup(t, SENDER, 'crowd', members);
});
afterAll(() => t.stop());

const read = (userID: string, msgID: string) => t.ok(userID, MARK_READ, { msgIDs: [msgID] });
const ids = (p: MemberPage) => p.edges.map((e) => e.node.userID);
/** A fixed shuffle of the members: reading order is not userID order. */
const shuffled = members.map((_, i) => members[(i * 97) % members.length]);

describe('readMembers walks while members keep reading', () => {
  it('READ: everyone read before the walk is listed once, and new reads land after every cursor', async () => {
    const msgID = await send(t, SENDER, 'GROUPcrowd', 'read me');
    const before = shuffled.slice(0, 125);
    const during = [shuffled.slice(125, 215), shuffled.slice(215, 225)];
    for (const m of before) await read(m, msgID);

    const seen: string[] = [];
    const flags: boolean[] = [];
    const cursors: string[] = [];
    let after: string | undefined;
    for (let n = 0; ; n++) {
      const p = await page(t, SENDER, msgID, 'READ', 100, after);
      seen.push(...ids(p));
      cursors.push(...p.edges.map((e) => e.cursor));
      flags.push(p.pageInfo.hasNextPage);
      expect(p.edges.every((e) => e.readAt !== null)).toBe(true);
      if (!p.pageInfo.hasNextPage) break;
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor);
      after = p.pageInfo.endCursor!;
      for (const m of during[n] ?? []) await read(m, msgID);
    }

    // Pages of 100: 125 earlier readers, then 90 more read after page 1, and 10 after page 2.
    expect(flags).toEqual([true, true, false]);
    expect(new Set(seen).size).toBe(seen.length);
    // Exactly the reading order: every earlier reader first, then the readers of the walk.
    expect(seen).toEqual([...before, ...during.flat()]);
    expect(new Set(cursors).size).toBe(cursors.length);

    // A page that holds exactly the rest is the last one.
    const rest = await page(t, SENDER, msgID, 'READ', 100, cursors[124]);
    expect(ids(rest)).toEqual(seen.slice(125, 225));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const notLast = await page(t, SENDER, msgID, 'READ', 99, cursors[124]);
    expect(notLast.pageInfo.hasNextPage).toBe(true);
  }, 120_000);

  it('UNREAD: ordered by userID, once each, and no member who stayed unread is missing', async () => {
    const msgID = await send(t, SENDER, 'GROUPcrowd', 'who has not read me?');
    const readSet = new Set<string>();
    const readNow = async (ms: string[]) => {
      for (const m of ms) {
        await read(m, msgID);
        readSet.add(m);
      }
    };
    // 30 read first (every 8th member), so 220 are unread when the walk starts.
    await readNow(members.filter((_, i) => i % 8 === 3).slice(0, 30));
    const unreadAtStart = members.filter((m) => !readSet.has(m));
    expect(unreadAtStart).toHaveLength(220);

    // Between pages: members already listed read, and so do members not reached yet.
    const between = [
      [...unreadAtStart.slice(0, 5), ...unreadAtStart.slice(150, 160)],
      [...unreadAtStart.slice(100, 103), ...unreadAtStart.slice(212, 217)],
    ];
    const seen: string[] = [];
    const flags: boolean[] = [];
    let after: string | undefined;
    for (let n = 0; ; n++) {
      const p = await page(t, SENDER, msgID, 'UNREAD', 100, after);
      // The model: unread members after the cursor, by userID, 100 at most.
      const expected = members.filter((m) => !readSet.has(m) && (!after || m > seen.at(-1)!));
      expect(ids(p)).toEqual(expected.slice(0, 100));
      expect(p.pageInfo.hasNextPage).toBe(expected.length > 100);
      expect(p.edges.every((e) => e.readAt === null)).toBe(true);
      seen.push(...ids(p));
      flags.push(p.pageInfo.hasNextPage);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor!;
      await readNow(between[n] ?? []);
    }

    expect(flags).toEqual([true, true, false]);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const stayedUnread = members.filter((m) => !readSet.has(m));
    expect(stayedUnread).toHaveLength(197);
    expect(stayedUnread.filter((m) => !seen.includes(m))).toEqual([]);
    expect(seen.filter((m) => !unreadAtStart.includes(m))).toEqual([]);
    // 220 at the start, less the 10 + 5 read ahead of the cursor.
    expect(seen).toHaveLength(205);
  }, 120_000);
});

describe('message history', () => {
  it('pages back through 45 messages, newest first, each exactly once', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 45; i++) {
      const from = i % 3 === 0 ? 'ann' : 'ben';
      sent.push(await send(t, from, from === 'ann' ? 'C2Cben' : 'C2Cann', `m${i}`, i % 2 === 0));
    }
    const seen: string[] = [];
    const flags: boolean[] = [];
    let after: string | undefined;
    for (let n = 0; ; n++) {
      const data = await t.ok('ann', MESSAGES, { conversationID: 'C2Cben', first: 20, after });
      const { edges, pageInfo } = data.messages;
      expect(edges).toHaveLength(n < 2 ? 20 : 5);
      seen.push(...edges.map((e: { node: { msgID: string } }) => e.node.msgID));
      flags.push(pageInfo.hasNextPage);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
      // A message sent while paging is newer than every page still to come.
      if (n === 0) await send(t, 'ben', 'C2Cann', 'late');
    }
    expect(flags).toEqual([true, true, false]);
    expect(seen).toEqual([...sent].reverse());

    const all = await t.ok('ben', MESSAGES, { conversationID: 'C2Cann', first: 46 });
    expect(all.messages.edges.map((e: { node: { text: string } }) => e.node.text).slice(0, 2)).toEqual(['late', 'm44']);
    expect(all.messages.pageInfo.hasNextPage).toBe(false);
    const allButOne = await t.ok('ben', MESSAGES, { conversationID: 'C2Cann', first: 45 });
    expect(allButOne.messages.pageInfo.hasNextPage).toBe(true);
  });
});

describe('conversation list', () => {
  const LIST = `query($first: Int, $after: String) { conversations(first: $first, after: $after) {
    edges { cursor node { conversationID lastMessageAt } } pageInfo { hasNextPage endCursor } } }`;

  it('pages over every conversation once, most recently active first', async () => {
    const peers = ['x1', 'x2', 'x3', 'x4', 'x5'];
    for (const g of ['gA', 'gB']) await createGroup(t, 'walker', g, ['x1']);
    // Activity in a mixed order: the list follows the latest message, not creation order.
    const lastAt = new Map<string, string>(); // walker's conversationID -> createdAt of its latest message
    for (const [from, to] of [
      ['walker', 'C2Cx3'],
      ['x1', 'C2Cwalker'],
      ['walker', 'GROUPgB'],
      ['x5', 'C2Cwalker'],
      ['walker', 'C2Cx2'],
      ['x1', 'GROUPgA'],
      ['walker', 'C2Cx4'],
      ['walker', 'C2Cx3'],
    ]) {
      const data = await t.ok(from, SEND, { conversationID: to, text: `to ${to}` });
      lastAt.set(to === 'C2Cwalker' ? `C2C${from}` : to, data.sendMessage.createdAt);
    }
    type Edge = { cursor: string; node: { conversationID: string; lastMessageAt: string } };
    const seen: string[] = [];
    const flags: boolean[] = [];
    let after: string | undefined;
    for (;;) {
      const data = await t.ok('walker', LIST, { first: 3, after });
      for (const { node } of data.conversations.edges as Edge[]) {
        seen.push(node.conversationID);
        expect(Date.parse(node.lastMessageAt)).toBe(Date.parse(lastAt.get(node.conversationID)!));
      }
      flags.push(data.conversations.pageInfo.hasNextPage);
      if (!data.conversations.pageInfo.hasNextPage) break;
      after = data.conversations.pageInfo.endCursor;
    }
    expect(flags).toEqual([true, true, false]);
    expect([...seen].sort()).toEqual([...peers.map((p) => `C2C${p}`), 'GROUPgA', 'GROUPgB'].sort());
    // Newest activity first; sends in the same millisecond fall back to a fixed (descending) order.
    const expected = [...lastAt.keys()].sort(
      (a, b) => Date.parse(lastAt.get(b)!) - Date.parse(lastAt.get(a)!) || (a < b ? 1 : -1),
    );
    expect(seen).toEqual(expected);

    const single = await t.ok('walker', LIST, { first: 7 });
    expect(single.conversations.edges.map((e: Edge) => e.node.conversationID)).toEqual(seen);
    expect(single.conversations.pageInfo.hasNextPage).toBe(false);
  });
});
