// Every list costs a constant number of SQL statements, whatever its size (no N+1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { testProvider } from './helpers/databases.ts';
import { CREATE_GROUP, MARK_CONVERSATION_READ, MARK_READ, RECEIPTS, SEND } from './helpers/operations.ts';

let t: TestApp;
const members = Array.from({ length: 220 }, (_, i) => `m${String(i).padStart(3, '0')}`);
const groupMsgs: string[] = [];
const c2cMsgs: string[] = [];
let bigMsg = '';

const HISTORY = `query($conversationID: String!, $first: Int) {
  messages(conversationID: $conversationID, first: $first) {
    edges { node { msgID sender { userID } receipt { readCount } } } pageInfo { hasNextPage }
  }
}`;
const MEMBERS_PAGE = `query($msgID: ID!, $filter: ReadMembersFilter!, $first: Int) {
  readMembers(msgID: $msgID, filter: $filter, first: $first) {
    edges { cursor readAt node { userID readReceiptsEnabled } } pageInfo { hasNextPage }
  }
}`;

/** Runs one operation and returns its data with the SQL statements it ran. */
async function measured(userID: string, query: string, variables: Record<string, unknown>) {
  t.sql.length = 0;
  const data = await t.ok(userID, query, variables);
  return { data, statements: [...t.sql] };
}

const send = async (from: string, conversationID: string, text: string) =>
  (await t.ok(from, SEND, { conversationID, text, needReadReceipt: true })).sendMessage.msgID as string;

beforeAll(async () => {
  t = await startTestApp();
  // Small group: 30 messages from alice, some of them read.
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'small',
    name: 'Small',
    type: 'WORK',
    memberIDs: ['bob', 'carol', 'dave'],
  });
  for (let i = 0; i < 30; i++) groupMsgs.push(await send('alice', 'GROUPsmall', `g${i}`));
  await t.ok('bob', MARK_READ, { msgIDs: groupMsgs.slice(0, 20) });
  await t.ok('carol', MARK_READ, { msgIDs: groupMsgs.slice(10) });
  // Small group history: messages from several senders, so `sender` names several users.
  for (let i = 0; i < 60; i++) await send(['bob', 'carol', 'dave', 'alice'][i % 4], 'GROUPsmall', `h${i}`);
  // One-to-one: 30 messages to erin, some read one by one, the first ones by a conversation read.
  for (let i = 0; i < 10; i++) c2cMsgs.push(await send('alice', 'C2Cerin', `c${i}`));
  await t.ok('erin', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });
  for (let i = 10; i < 30; i++) c2cMsgs.push(await send('alice', 'C2Cerin', `c${i}`));
  await t.ok('erin', MARK_READ, { msgIDs: c2cMsgs.slice(15, 25) });
  for (let i = 0; i < 30; i++) await (i % 2 ? send('erin', 'C2Calice', `d${i}`) : send('alice', 'C2Cerin', `d${i}`));
  // Big group: 220 members, 120 of whom read alice's message.
  await t.ok('alice', CREATE_GROUP, { groupID: 'big', name: 'Big', type: 'WORK', memberIDs: members });
  bigMsg = await send('alice', 'GROUPbig', 'everyone');
  for (const m of members.slice(0, 120)) await t.ok(m, MARK_READ, { msgIDs: [bigMsg] });
  await t.ok('alice', 'query { me { userID } }'); // alice's user record exists: no insert below
});
afterAll(() => t.stop());

describe('constant SQL statements per list', () => {
  it('messageReceipts on group messages: 1 message costs what 30 cost', async () => {
    const one = await measured('alice', RECEIPTS, { msgIDs: groupMsgs.slice(0, 1) });
    const all = await measured('alice', RECEIPTS, { msgIDs: groupMsgs });
    expect(one.data.messageReceipts).toHaveLength(1);
    expect(all.data.messageReceipts.map((r: { readCount: number }) => r.readCount)).toEqual(
      groupMsgs.map((_, i) => (i < 10 || i >= 20 ? 1 : 2)),
    );
    expect(all.statements.length).toBe(one.statements.length);
    expect(all.statements.length).toBeLessThanOrEqual(3);
  });

  it('messageReceipts on one-to-one messages: 1 message costs what 30 cost', async () => {
    const one = await measured('alice', RECEIPTS, { msgIDs: c2cMsgs.slice(29) });
    const all = await measured('alice', RECEIPTS, { msgIDs: c2cMsgs });
    expect(one.data.messageReceipts).toMatchObject([{ isPeerRead: false, readCount: 0, unreadCount: 1 }]);
    expect(all.data.messageReceipts.map((r: { isPeerRead: boolean }) => r.isPeerRead)).toEqual(
      c2cMsgs.map((_, i) => i < 10 || (i >= 15 && i < 25)),
    );
    expect(all.statements.length).toBe(one.statements.length);
    expect(all.statements.length).toBeLessThanOrEqual(4);
  });

  // Message, its conversation and group (Prisma loads each relation in its own statement), then the page.
  it.each([
    ['READ', 5],
    ['UNREAD', 4],
  ])('a readMembers %s page of 100 costs what a page of 10 costs (at most %i statements)', async (filter, bound) => {
    const small = await measured('alice', MEMBERS_PAGE, { msgID: bigMsg, filter, first: 10 });
    const large = await measured('alice', MEMBERS_PAGE, { msgID: bigMsg, filter, first: 100 });
    const expected = filter === 'READ' ? members.slice(0, 100) : members.slice(120, 220);
    expect(large.data.readMembers.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(expected);
    expect(
      large.data.readMembers.edges.every((e: { node: { readReceiptsEnabled: boolean } }) => e.node.readReceiptsEnabled),
    ).toBe(true);
    expect(small.data.readMembers.edges).toHaveLength(10);
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBeLessThanOrEqual(bound);
  });

  it.each([
    ['GROUPsmall', 6],
    ['C2Cerin', 7],
  ])(
    'messages(first: 50) in %s costs what messages(first: 5) costs (at most %i statements)',
    async (conversationID, bound) => {
      const small = await measured('alice', HISTORY, { conversationID, first: 5 });
      const large = await measured('alice', HISTORY, { conversationID, first: 50 });
      expect(small.data.messages.edges).toHaveLength(5);
      expect(large.data.messages.edges).toHaveLength(50);
      const senders = new Set(
        large.data.messages.edges.map((e: { node: { sender: { userID: string } } }) => e.node.sender.userID),
      );
      expect(senders.size).toBeGreaterThan(1);
      expect(large.statements.length).toBe(small.statements.length);
      expect(large.statements.length).toBeLessThanOrEqual(bound);
    },
  );

  it('markRead of 29 messages costs what markRead of 1 costs', async () => {
    await t.ok('dave', 'query { me { userID } }');
    const one = await measured('dave', MARK_READ, { msgIDs: groupMsgs.slice(0, 1) });
    const many = await measured('dave', MARK_READ, { msgIDs: groupMsgs.slice(1) });
    expect(many.data.markRead).toHaveLength(29);
    expect(many.statements.length).toBe(one.statements.length);
    // PostgreSQL adds one statement: it locks the message rows (SELECT ... FOR UPDATE).
    expect(many.statements.length).toBeLessThanOrEqual(testProvider === 'postgresql' ? 11 : 10);
    const after = await t.ok('alice', RECEIPTS, { msgIDs: groupMsgs });
    expect(after.messageReceipts.map((r: { readCount: number }) => r.readCount)).toEqual(
      groupMsgs.map((_, i) => (i < 10 || i >= 20 ? 2 : 3)),
    );
  });
});
