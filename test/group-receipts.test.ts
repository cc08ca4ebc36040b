import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts } from './helpers/live.ts';
import { CREATE_GROUP, MARK_READ, READ_MEMBERS, RECEIPTS, SEND } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'team',
    name: 'Team',
    type: 'WORK',
    memberIDs: ['bob', 'carol', 'dave', 'erin'],
  });
});
afterAll(() => t.stop());

async function send(text: string, needReadReceipt = true, from = 'alice') {
  const data = await t.ok(from, SEND, { conversationID: 'GROUPteam', text, needReadReceipt });
  return data.sendMessage.msgID as string;
}

describe('group read receipts', () => {
  it('creates the group with the creator as owner and member', async () => {
    const data = await t.ok(
      'alice',
      'query { conversations { edges { node { conversationID unreadCount group { groupID memberCount owner { userID } } } } } }',
    );
    expect(data.conversations.edges).toEqual([
      {
        node: {
          conversationID: 'GROUPteam',
          unreadCount: 0,
          group: { groupID: 'team', memberCount: 5, owner: { userID: 'alice' } },
        },
      },
    ]);
  });

  it('counts each reader once, leaves unread counts alone, and tells the sender live', async () => {
    // Probe messages (alice sends, dave reads) prove the filtered stream is live before we start.
    const probes = new Set<string | null>();
    const live = await liveReceipts(
      await t.wsClient('alice'),
      { conversationID: 'GROUPteam' },
      {
        poke: async () => {
          const probe = await send('probe');
          probes.add(probe);
          await t.ok('dave', MARK_READ, { msgIDs: [probe] });
        },
        isPoke: (r) => probes.has(r.msgID),
      },
    );
    const unread = async () =>
      (await t.ok('bob', 'query { conversations { edges { node { unreadCount } } } }')).conversations.edges[0].node
        .unreadCount;
    const unreadBefore = await unread();
    const msgID = await send('hello team');
    expect(await unread()).toBe(unreadBefore + 1);

    const read = await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    expect(read.markRead).toMatchObject([{ msgID, conversationID: 'GROUPteam', groupID: 'team', isPeerRead: true }]);
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] }); // idempotent
    await t.ok('carol', MARK_READ, { msgIDs: [msgID] });
    await t.ok('erin', MARK_READ, { msgIDs: [msgID] });

    // Events on one stream arrive in order: had bob's repeated read published, it would sit
    // between these three.
    expect(await live.next(3)).toMatchObject([
      { msgID, conversationID: 'GROUPteam', groupID: 'team', readCount: 1, unreadCount: 3 },
      { msgID, readCount: 2, unreadCount: 2 },
      { msgID, readCount: 3, unreadCount: 1 },
    ]);
    expect(await unread()).toBe(unreadBefore + 1);

    const pulled = await t.ok('alice', RECEIPTS, { msgIDs: [msgID] });
    expect(pulled.messageReceipts).toEqual([
      {
        msgID,
        conversationID: 'GROUPteam',
        userID: null,
        groupID: 'team',
        isPeerRead: false,
        timestamp: null,
        readCount: 3,
        unreadCount: 1,
      },
    ]);
    const readers = await t.ok('alice', READ_MEMBERS, { msgID, filter: 'READ' });
    expect(readers.readMembers.edges.map((e: any) => e.node.userID)).toEqual(['bob', 'carol', 'erin']);
    const notRead = await t.ok('alice', READ_MEMBERS, { msgID, filter: 'UNREAD' });
    expect(notRead.readMembers.edges.map((e: any) => e.node.userID)).toEqual(['dave']);
    expect(notRead.readMembers.pageInfo.hasNextPage).toBe(false);
  });
});
