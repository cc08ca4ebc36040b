// Attempts to break each security rule. Every "cannot" has a control showing the same request
// works for someone who may make it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts, strangerProbe } from './helpers/live.ts';
import {
  CREATE_GROUP,
  MARK_CONVERSATION_READ,
  MARK_READ,
  MESSAGES,
  READ_MEMBERS,
  RECEIPTS,
  REMOVE_MEMBERS,
  SEND,
  SET_RECEIPTS,
} from './helpers/operations.ts';
import { listAll } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, { groupID: 'team', name: 'Team', type: 'WORK', memberIDs: ['bob', 'carol'] });
  await t.ok('dave', '{ me { userID } }');
});
afterAll(() => t.stop());

const send = async (from: string, conversationID: string, text: string, needReadReceipt = true) =>
  (await t.ok(from, SEND, { conversationID, text, needReadReceipt })).sendMessage.msgID as string;
const codes = (result: GqlResult) => result.errors?.map((e) => e.extensions?.code);
const receipt = async (msgID: string) => (await t.ok('alice', RECEIPTS, { msgIDs: [msgID] })).messageReceipts[0];
const receiptRows = (msgID: string) => t.db.receipt.count({ where: { messageId: Number(msgID) } });

const NODE = `query($id: ID!) { node(id: $id) { id __typename
  ... on Message { msgID text } ... on Group { groupID name } ... on Conversation { conversationID unreadCount } } }`;
const IDS = `query { conversations(first: 50) { edges { node { id conversationID group { id } } } }
  messages(conversationID: "GROUPteam", first: 50) { edges { node { id msgID text } } } }`;

describe('who may mark a message read', () => {
  it('a non-member cannot markRead a group message, and nothing is recorded', async () => {
    const msgID = await send('alice', 'GROUPteam', 'members only');
    const plain = await send('alice', 'GROUPteam', 'no receipt', false);
    expect(codes(await t.gql('dave', MARK_READ, { msgIDs: [msgID] }))).toEqual(['FORBIDDEN']);
    // Refused before anything about the message is revealed (here: that it needs no receipt).
    expect(codes(await t.gql('dave', MARK_READ, { msgIDs: [plain] }))).toEqual(['FORBIDDEN']);
    expect(await receiptRows(msgID)).toBe(0);
    expect(await receipt(msgID)).toMatchObject({ readCount: 0, unreadCount: 2 });
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] }); // control
    expect(await receipt(msgID)).toMatchObject({ readCount: 1, unreadCount: 1 });
  });

  it('a third user cannot markRead a one-to-one message between two others', async () => {
    const msgID = await send('alice', 'C2Cbob', 'just for bob');
    const plain = await send('alice', 'C2Cbob', 'no receipt', false);
    for (const msgIDs of [[msgID], [plain], [msgID, plain]]) {
      expect(codes(await t.gql('carol', MARK_READ, { msgIDs }))).toEqual(['FORBIDDEN']);
    }
    expect(await receiptRows(msgID)).toBe(0);
    expect(await receipt(msgID)).toMatchObject({ isPeerRead: false, readCount: 0, timestamp: null });
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] }); // control
    expect(await receipt(msgID)).toMatchObject({ isPeerRead: true, readCount: 1 });
  });
});

describe('receipts are for the sender only', () => {
  it('a group member cannot call messageReceipts or readMembers, and sees receipt: null', async () => {
    const group = await send('alice', 'GROUPteam', 'who read this?');
    const c2c = await send('alice', 'C2Cbob', 'did you read this?');
    await t.ok('carol', MARK_READ, { msgIDs: [group] });
    for (const msgID of [group, c2c]) {
      for (const user of ['bob', 'carol', 'dave']) {
        expect(codes(await t.gql(user, RECEIPTS, { msgIDs: [msgID] }))).toEqual(['FORBIDDEN']);
      }
    }
    for (const user of ['bob', 'carol', 'dave']) {
      for (const filter of ['READ', 'UNREAD']) {
        const result = await t.gql(user, READ_MEMBERS, { msgID: group, filter });
        expect(codes(result)).toEqual(['FORBIDDEN']);
        expect(result.data ?? null).toBeNull();
      }
    }
    const receiptOf = async (user: string, conversationID: string, msgID: string) => {
      const data = await t.ok(user, MESSAGES, { conversationID, first: 50 });
      return data.messages.edges.find((e: { node: { msgID: string } }) => e.node.msgID === msgID).node.receipt;
    };
    expect(await receiptOf('carol', 'GROUPteam', group)).toBeNull();
    expect(await receiptOf('bob', 'GROUPteam', group)).toBeNull();
    expect(await receiptOf('bob', 'C2Calice', c2c)).toBeNull();
    // Controls: the sender gets all of it.
    expect(await receiptOf('alice', 'GROUPteam', group)).toMatchObject({ readCount: 1, unreadCount: 1 });
    expect(await receiptOf('alice', 'C2Cbob', c2c)).toMatchObject({ readCount: 0, unreadCount: 1 });
    expect(await listAll(t, 'alice', group, 'READ')).toEqual(['carol']);
  });
});

describe('non-members see nothing of a group', () => {
  it('cannot list its messages or fetch its message, group or conversation by node id', async () => {
    await send('alice', 'GROUPteam', 'secret plans');
    const c2c = await send('alice', 'C2Cbob', 'private note');
    type Edges<N> = { edges: { node: N }[] };
    type Ids = { conversations: Edges<{ id: string; conversationID: string; group: { id: string } | null }> };
    const owner = await t.ok<Ids & { messages: Edges<{ id: string; text: string }> }>('alice', IDS);
    const team = owner.conversations.edges.find((e) => e.node.conversationID === 'GROUPteam')!.node;
    const secret = owner.messages.edges.find((e) => e.node.text === 'secret plans')!.node;
    const bobs = await t.ok<{ messages: Edges<{ id: string; msgID: string }> }>(
      'bob',
      `{ messages(conversationID: "C2Calice") { edges { node { id msgID } } } }`,
    );
    const c2cNode = bobs.messages.edges.find((e) => e.node.msgID === c2c)!.node;

    const history = await t.gql('dave', MESSAGES, { conversationID: 'GROUPteam' });
    expect(codes(history)).toEqual(['FORBIDDEN']);
    expect(history.data ?? null).toBeNull();

    for (const id of [secret.id, team.group!.id, team.id]) {
      const result = await t.gql('dave', NODE, { id });
      expect(result.data?.node ?? null).toBeNull();
      // Null, or a coded refusal: never an internal error.
      for (const e of result.errors ?? []) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(e.extensions?.code);
      expect(JSON.stringify(result)).not.toMatch(/secret plans|"name":"Team"|unreadCount/);
      // Control: a member gets the same node.
      expect((await t.ok('bob', NODE, { id })).node).toMatchObject({ id });
    }
    const stranger = await t.gql('carol', NODE, { id: c2cNode.id });
    expect(stranger.data?.node ?? null).toBeNull();
    for (const e of stranger.errors ?? []) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(e.extensions?.code);
    expect(JSON.stringify(stranger)).not.toContain('private note');
    expect((await t.ok('alice', NODE, { id: c2cNode.id })).node).toMatchObject({ text: 'private note' });
  });
});

describe('live receipts go to the sender only', () => {
  it("a subscriber never gets events for other people's messages", async () => {
    const carol = await liveReceipts(await t.wsClient('carol'), {}, strangerProbe(t, 'carol'));
    const alice = await liveReceipts(await t.wsClient('alice'), {}, strangerProbe(t, 'alice'));
    const fromAlice = [await send('alice', 'C2Cbob', 'to bob'), await send('alice', 'GROUPteam', 'to the team')];
    const fromCarol = await send('carol', 'C2Cbob', 'carol to bob');

    for (const msgID of fromAlice) await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    await t.ok('bob', MARK_READ, { msgIDs: [fromCarol] }); // control, published after alice's

    expect((await alice.next(2)).map((r) => r.msgID)).toEqual(fromAlice);
    expect(await carol.next(1)).toEqual([expect.objectContaining({ msgID: fromCarol, conversationID: 'C2Cbob' })]);
    expect(carol.received()).toHaveLength(1);
    carol.dispose();
    alice.dispose();
  });
});

describe('a user with read receipts off sends none', () => {
  it('markRead succeeds, but the sender sees no count, no live event and no conversation read', async () => {
    const off = await t.ok('bob', SET_RECEIPTS, { enabled: false });
    expect(off.setReadReceiptsEnabled).toEqual({ userID: 'bob', readReceiptsEnabled: false });
    const group = await send('alice', 'GROUPteam', 'bob is private');
    const c2c = await send('alice', 'C2Cbob', 'bob is private here too');
    const alice = await liveReceipts(await t.wsClient('alice'), {}, strangerProbe(t, 'alice'));

    const read = await t.ok('bob', MARK_READ, { msgIDs: [group] });
    expect(read.markRead).toEqual([expect.objectContaining({ msgID: group, isPeerRead: true })]);
    expect((await t.ok('bob', MARK_READ, { msgIDs: [c2c] })).markRead).toHaveLength(1);
    const chat = await t.ok('bob', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });
    expect(chat.markConversationRead).toEqual({ conversationID: 'C2Calice', unreadCount: 0 });

    // Controls, published after bob's reads: carol reads the group message, erin reads her chat.
    await t.ok('carol', MARK_READ, { msgIDs: [group] });
    await send('alice', 'C2Cerin', 'hi erin');
    await t.ok('erin', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });
    const events = await alice.next(2);
    expect(events).toEqual([
      expect.objectContaining({ msgID: group, readCount: 1, unreadCount: 1 }),
      expect.objectContaining({ msgID: null, conversationID: 'C2Cerin', isPeerRead: true }),
    ]);

    expect(await receipt(group)).toMatchObject({ readCount: 1, unreadCount: 1 });
    expect(await receipt(c2c)).toMatchObject({ isPeerRead: false, timestamp: null, readCount: 0, unreadCount: 1 });
    expect(await listAll(t, 'alice', group, 'UNREAD')).toEqual(['bob']);
    expect(await listAll(t, 'alice', group, 'READ')).toEqual(['carol']);
    alice.dispose();
    await t.ok('bob', SET_RECEIPTS, { enabled: true });
  });
});

describe('group membership', () => {
  const members = async () =>
    (await t.db.participant.findMany({ where: { conversationId: 'GROUPclub' }, orderBy: { userId: 'asc' } })).map(
      (p) => p.userId,
    );
  beforeAll(async () => {
    await t.ok('alice', CREATE_GROUP, { groupID: 'club', name: 'Club', type: 'PUBLIC', memberIDs: ['bob', 'carol'] });
  });

  it('only the owner may remove other members', async () => {
    for (const [caller, userIDs] of [
      ['bob', ['carol']],
      ['bob', ['alice']],
      ['bob', ['bob', 'carol']],
      ['dave', ['carol']],
    ] as const) {
      const result = await t.gql(caller, REMOVE_MEMBERS, { groupID: 'club', userIDs });
      expect(codes(result), `${caller} removes ${userIDs}`).toEqual(['FORBIDDEN']);
      expect(await members()).toEqual(['alice', 'bob', 'carol']);
    }
    const removed = await t.ok('alice', REMOVE_MEMBERS, { groupID: 'club', userIDs: ['carol'] }); // control
    expect(removed.removeGroupMembers).toEqual({ groupID: 'club', memberCount: 2 });
    expect(await members()).toEqual(['alice', 'bob']);
  });

  it('a member may remove themselves, and is then out', async () => {
    const left = await t.ok('bob', REMOVE_MEMBERS, { groupID: 'club', userIDs: ['bob'] });
    expect(left.removeGroupMembers).toEqual({ groupID: 'club', memberCount: 1 });
    expect(await members()).toEqual(['alice']);
    expect(codes(await t.gql('bob', SEND, { conversationID: 'GROUPclub', text: 'still here?' }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('the owner cannot leave', async () => {
    const result = await t.gql('alice', REMOVE_MEMBERS, { groupID: 'club', userIDs: ['alice'] });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(await members()).toEqual(['alice']);
    expect(await t.db.conversation.findUnique({ where: { id: 'GROUPclub' } })).toMatchObject({ memberCount: 1 });
  });
});
