import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { CREATE_GROUP, MARK_READ, READ_MEMBERS, RECEIPT_UPDATED, RECEIPTS, SEND } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'team',
    name: 'Team',
    type: 'WORK',
    memberIDs: ['bob', 'carol', 'dave'],
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
          group: { groupID: 'team', memberCount: 4, owner: { userID: 'alice' } },
        },
      },
    ]);
  });

  it('counts each reader once, leaves unread counts alone, and tells the sender live', async () => {
    const msgID = await send('hello team');
    const client = await t.wsClient('alice');
    const live = subscribe(client, RECEIPT_UPDATED, { conversationID: 'GROUPteam' });
    await settle();

    const unreadBefore = await t.ok('bob', 'query { conversations { edges { node { unreadCount } } } }');
    expect(unreadBefore.conversations.edges[0].node.unreadCount).toBe(1);

    const read = await t.ok('bob', MARK_READ, { msgIDs: [msgID] });
    expect(read.markRead).toMatchObject([{ msgID, conversationID: 'GROUPteam', groupID: 'team', isPeerRead: true }]);
    await t.ok('bob', MARK_READ, { msgIDs: [msgID] }); // idempotent
    await t.ok('carol', MARK_READ, { msgIDs: [msgID] });

    const [first, second] = await live.next(2);
    expect(first.data?.receiptUpdated).toMatchObject({
      msgID,
      conversationID: 'GROUPteam',
      groupID: 'team',
      readCount: 1,
      unreadCount: 2,
    });
    expect(second.data?.receiptUpdated).toMatchObject({ msgID, readCount: 2, unreadCount: 1 });
    await settle();
    expect(live.events).toHaveLength(2); // the repeated read published nothing

    const pulled = await t.ok('alice', RECEIPTS, { msgIDs: [msgID] });
    expect(pulled.messageReceipts).toEqual([
      {
        msgID,
        conversationID: 'GROUPteam',
        userID: null,
        groupID: 'team',
        isPeerRead: false,
        timestamp: null,
        readCount: 2,
        unreadCount: 1,
      },
    ]);
    const unreadAfter = await t.ok('bob', 'query { conversations { edges { node { unreadCount } } } }');
    expect(unreadAfter.conversations.edges[0].node.unreadCount).toBe(1);

    const readers = await t.ok('alice', READ_MEMBERS, { msgID, filter: 'READ' });
    expect(readers.readMembers.edges.map((e: any) => e.node.userID)).toEqual(['bob', 'carol']);
    const unread = await t.ok('alice', READ_MEMBERS, { msgID, filter: 'UNREAD' });
    expect(unread.readMembers.edges.map((e: any) => e.node.userID)).toEqual(['dave']);
    expect(unread.readMembers.pageInfo.hasNextPage).toBe(false);
  });
});
