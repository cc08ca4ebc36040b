// The Tencent Cloud Chat seed documents' read-receipt samples, in their order (Android/iOS/
// Windows, Web, Flutter, Unity, Electron), each calling this API where the sample calls the SDK.
// SDK names are in the comments; each step states what the sample expects to see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ, RECEIPTS, SEND } from './helpers/operations.ts';
import { createGroup } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const send = async (from: string, conversationID: string, text: string, needReadReceipt = true) =>
  (await t.ok(from, SEND, { conversationID, text, needReadReceipt })).sendMessage.msgID as string;
const figures = async (senderID: string, msgIDs: string[]) =>
  (await t.ok(senderID, RECEIPTS, { msgIDs })).messageReceipts as { readCount: number; unreadCount: number }[];
const MEMBERS = `query($msgID: ID!, $filter: ReadMembersFilter!, $first: Int, $after: String) {
  readMembers(msgID: $msgID, filter: $filter, first: $first, after: $after) {
    edges { node { userID nickname faceURL } } pageInfo { hasNextPage endCursor } } }`;
const PROFILE = `mutation($nickname: String, $faceURL: String) { updateProfile(nickname: $nickname, faceURL: $faceURL) { userID } }`;
const HISTORY = `query($conversationID: String!) { messages(conversationID: $conversationID, first: 30) {
  edges { node { msgID isSelf readByMe isPeerRead needReadReceipt } } } }`;
const CHAT = `query { conversations(first: 20) { edges { node { conversationID unreadCount peerReadAt } } } }`;

/** A user's live receipts, known to be flowing (a stranger's chat read is the probe). */
async function receiptsFor(userID: string) {
  const sub = subscribe<{ receiptUpdated: { msgID: string | null; readCount: number; unreadCount: number } }>(
    await t.wsClient(userID),
    'subscription { receiptUpdated { msgID conversationID readCount unreadCount isPeerRead } }',
  );
  for (let i = 0; sub.events.length === 0; i++) {
    if (i > 40) throw new Error('receiptUpdated never became live');
    await t.ok(`probe-${userID}`, MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` });
    await sub.next(1, 250).catch(() => {});
  }
  const seen = sub.events.length;
  return { next: async (n: number) => (await sub.next(seen + n)).slice(seen).map((e) => e.data!.receiptUpdated), sub };
}

describe('Android / iOS / Windows (V2TIMMessageManager)', () => {
  it('group: send with needReadReceipt, receipts for the message list, listener, pull figures and members', async () => {
    await t.ok('n-bob', PROFILE, { nickname: 'Bob', faceURL: 'https://example.com/bob.png' });
    await createGroup(t, 'n-alice', 'native', ['n-bob', 'n-carol']);
    const live = await receiptsFor('n-alice');
    // V2TIMMessage.setNeedReadReceipt(true); sendMessage(...)
    const msgID = await send('n-alice', 'GROUPnative', 'hello');
    // Receiver: sendMessageReadReceipts(messageList)
    await t.ok('n-bob', MARK_READ, { msgIDs: [msgID] });
    // Sender: V2TIMAdvancedMsgListener.onRecvMessageReadReceipts(receiptList)
    expect((await live.next(1))[0]).toMatchObject({ msgID, readCount: 1, unreadCount: 1 });
    // getMessageReadReceipts(messageList)
    expect(await figures('n-alice', [msgID])).toMatchObject([{ readCount: 1, unreadCount: 1 }]);
    // getGroupMessageReadMemberList(message, V2TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, 0, 100)
    const read = await t.ok('n-alice', MEMBERS, { msgID, filter: 'READ', first: 100 });
    expect(read.readMembers.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { userID: 'n-bob', nickname: 'Bob', faceURL: 'https://example.com/bob.png' },
    ]);
    live.sub.dispose();
  });
});

describe('Web (chat.sendMessageReadReceipt)', () => {
  it('sends receipts for the whole page it showed, own and no-receipt messages included', async () => {
    await createGroup(t, 'w-alice', 'web', ['w-bob']);
    const asked = await send('w-alice', 'GROUPweb', 'please confirm');
    const plain = await send('w-alice', 'GROUPweb', 'fyi', false);
    const own = await send('w-bob', 'GROUPweb', 'ok');
    // MESSAGE_RECEIVED: the sample passes the message list it rendered.
    const page = [asked, plain, own];
    const sent = await t.ok('w-bob', MARK_READ, { msgIDs: page, skipIneligible: true });
    expect(sent.markRead.map((r: { msgID: string }) => r.msgID)).toEqual([asked]);
    // getMessageReadReceiptList(messageList) on the sender's side.
    expect(await figures('w-alice', [asked])).toMatchObject([{ readCount: 1, unreadCount: 0 }]);
    // After a reload the reader's page knows what it has read (no "Mark read" again).
    const history = await t.ok('w-bob', HISTORY, { conversationID: 'GROUPweb' });
    const readByMe = Object.fromEntries(
      history.messages.edges.map((e: { node: { msgID: string; readByMe: boolean } }) => [
        e.node.msgID,
        e.node.readByMe,
      ]),
    );
    expect(readByMe[asked]).toBe(true);
  });

  it('one-to-one: setMessageRead, then MESSAGE_READ_BY_PEER and isPeerRead after a reload', async () => {
    const live = await receiptsFor('w-amy');
    const msgID = await send('w-amy', 'C2Cw-ben', 'see you', false);
    // Receiver: chat.setMessageRead({ conversationID })
    await t.ok('w-ben', MARK_CONVERSATION_READ, { conversationID: 'C2Cw-amy' });
    expect((await live.next(1))[0]).toMatchObject({ msgID: null, readCount: 1 });
    // The sender reloads: message.isPeerRead, and the conversation's peer read time.
    const history = await t.ok('w-amy', HISTORY, { conversationID: 'C2Cw-ben' });
    expect(history.messages.edges[0].node).toMatchObject({ msgID, isPeerRead: true });
    const chats = await t.ok('w-amy', CHAT);
    expect(chats.conversations.edges[0].node.peerReadAt).not.toBeNull();
    live.sub.dispose();
  });
});

describe('Flutter (V2TIMMessageManager with message ID lists)', () => {
  it('sendMessageReadReceipts(messageIDList), getMessageReadReceipts, and read members page by page', async () => {
    const members = ['f-1', 'f-2', 'f-3', 'f-4'];
    await createGroup(t, 'f-owner', 'flutter', members);
    const msgID = await send('f-owner', 'GROUPflutter', 'vote');
    for (const m of members.slice(0, 3)) await t.ok(m, MARK_READ, { msgIDs: [msgID] });
    expect(await figures('f-owner', [msgID])).toMatchObject([{ readCount: 3, unreadCount: 1 }]);
    // getGroupMessageReadMemberList(messageID, filter, nextSeq, count = 2) until finished.
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = (await t.ok('f-owner', MEMBERS, { msgID, filter: 'READ', first: 2, after })).readMembers;
      seen.push(...page.edges.map((e: { node: { userID: string } }) => e.node.userID));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen).toEqual(members.slice(0, 3));
  });
});

describe('Unity and Electron (the C API: MsgSendMessageReadReceipts, MsgReportReaded)', () => {
  it('Unity: receipts for a one-to-one message list, and the sender pulls them', async () => {
    const a = await send('u-alice', 'C2Cu-bob', 'one');
    const b = await send('u-alice', 'C2Cu-bob', 'two');
    await t.ok('u-bob', MARK_READ, { msgIDs: [a, b] });
    expect(await figures('u-alice', [a, b])).toMatchObject([{ readCount: 1 }, { readCount: 1 }]);
  });

  it("Electron: TIMMsgReportReaded on one terminal clears the unread count on the user's others", async () => {
    await send('e-alice', 'C2Ce-bob', 'ping');
    const otherTerminal = subscribe<{ conversationUpdated: { conversationID: string; unreadCount: number } }>(
      await t.wsClient('e-bob'),
      'subscription { conversationUpdated { conversationID unreadCount } }',
    );
    // Known live once a new message's unread count reaches this terminal.
    for (let i = 0; otherTerminal.events.length === 0; i++) {
      if (i > 40) throw new Error('conversationUpdated never became live');
      await send('e-alice', 'C2Ce-bob', 'ping');
      await otherTerminal.next(1, 250).catch(() => {});
    }
    const seen = otherTerminal.events.length;
    await t.ok('e-bob', MARK_CONVERSATION_READ, { conversationID: 'C2Ce-alice' });
    await otherTerminal.next(seen + 1);
    // Poke events still on their way may come first; the last one is the read.
    await expect
      .poll(() => otherTerminal.events.at(-1)?.data?.conversationUpdated)
      .toEqual({ conversationID: 'C2Ce-alice', unreadCount: 0 });
    otherTerminal.dispose();
  });
});
