// One-to-one read receipts: alice writes to bob ("C2Cbob" for her, "C2Calice" for him).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts, peerProbe, strangerProbe } from './helpers/live.ts';
import { MARK_CONVERSATION_READ, MARK_READ, MESSAGES, RECEIPTS, SEND } from './helpers/operations.ts';
import { unreadCounts } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function send(from: string, conversationID: string, text: string, needReadReceipt = true) {
  const data = await t.ok(from, SEND, { conversationID, text, needReadReceipt });
  return data.sendMessage.msgID as string;
}

async function receiptsOf(senderID: string, msgIDs: string[]) {
  return (await t.ok(senderID, RECEIPTS, { msgIDs })).messageReceipts;
}

/** alice's view of one message she sent to bob. */
const aliceView = (msgID: string | null, timestamp: string | null) => ({
  msgID,
  conversationID: 'C2Cbob',
  userID: 'bob',
  groupID: null,
  isPeerRead: timestamp !== null,
  timestamp,
  readCount: timestamp ? 1 : 0,
  unreadCount: timestamp ? 0 : 1,
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('one-to-one read receipts', () => {
  let m1: string;
  let m2: string;
  let readAt1: string;

  it('counts the message as unread for bob and shows alice 0/1 before he reads it', async () => {
    const sent = await t.ok('alice', SEND, { conversationID: 'C2Cbob', text: 'hi bob', needReadReceipt: true });
    expect(sent.sendMessage).toMatchObject({ conversationID: 'C2Cbob', isSelf: true, needReadReceipt: true });
    m1 = sent.sendMessage.msgID;

    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(1);
    expect((await unreadCounts(t, 'alice')).C2Cbob).toBe(0);
    expect(await receiptsOf('alice', [m1])).toEqual([aliceView(m1, null)]);
  });

  it('markRead tells alice live, is idempotent, and leaves the unread count alone', async () => {
    const alice = await liveReceipts(await t.wsClient('alice'), {}, strangerProbe(t, 'alice'));

    const read = await t.ok('bob', MARK_READ, { msgIDs: [m1] });
    expect(read.markRead).toHaveLength(1);
    expect(read.markRead[0]).toMatchObject({ msgID: m1, conversationID: 'C2Calice', isPeerRead: true });
    readAt1 = read.markRead[0].timestamp;
    expect(readAt1).toMatch(ISO);

    const [event] = await alice.next(1);
    expect(event).toEqual(aliceView(m1, readAt1));
    expect(await receiptsOf('alice', [m1])).toEqual([aliceView(m1, readAt1)]);
    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(1);

    // Reading again returns the first timestamp and publishes nothing: the next event is m2's.
    const again = await t.ok('bob', MARK_READ, { msgIDs: [m1] });
    expect(again.markRead[0].timestamp).toBe(readAt1);
    m2 = await send('alice', 'C2Cbob', 'second');
    const readM2 = await t.ok('bob', MARK_READ, { msgIDs: [m2] });
    const events = await alice.next(2);
    expect(events).toEqual([aliceView(m1, readAt1), aliceView(m2, readM2.markRead[0].timestamp)]);
    expect(await receiptsOf('alice', [m1, m2])).toEqual(events);
    expect(await t.db.receipt.count({ where: { messageId: Number(m1) } })).toBe(1);
    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(2);
    alice.dispose();
  });

  it('markConversationRead zeroes the unread count and sends alice a conversation-level receipt', async () => {
    const m3 = await send('alice', 'C2Cbob', 'needs a receipt');
    await send('alice', 'C2Cbob', 'no receipt wanted', false);
    expect(await receiptsOf('alice', [m3])).toEqual([aliceView(m3, null)]);
    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(4);

    const alice = await liveReceipts(await t.wsClient('alice'), {}, strangerProbe(t, 'alice'));
    const done = await t.ok('bob', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });
    expect(done.markConversationRead).toEqual({ conversationID: 'C2Calice', unreadCount: 0 });
    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(0);

    const [event] = await alice.next(1);
    expect(event).toEqual(aliceView(null, event.timestamp));
    expect(event.timestamp).toMatch(ISO);
    expect(Date.parse(event.timestamp!)).toBeGreaterThanOrEqual(Date.parse(readAt1));

    // Earlier messages that asked for a receipt now read as read; m1 keeps its own read time.
    const [r1, r3] = await receiptsOf('alice', [m1, m3]);
    expect(r1).toEqual(aliceView(m1, readAt1));
    expect(r3).toEqual(aliceView(m3, event.timestamp));
    // A message sent afterwards is unread again.
    const m5 = await send('alice', 'C2Cbob', 'after the read');
    expect(await receiptsOf('alice', [m5])).toEqual([aliceView(m5, null)]);
    expect((await unreadCounts(t, 'bob')).C2Calice).toBe(1);
    expect(alice.received()).toHaveLength(1);
    alice.dispose();
  });

  it('fills Message.receipt only for the sender of a message that needs a receipt', async () => {
    const fromBob = await send('bob', 'C2Calice', 'bob asks for a receipt');
    type Row = { msgID: string; text: string; isSelf: boolean; receipt: Record<string, unknown> | null };
    const history = async (userID: string, conversationID: string): Promise<Row[]> => {
      const data = await t.ok(userID, MESSAGES, { conversationID, first: 100 });
      return data.messages.edges.map((e: { node: Row }) => e.node);
    };

    const alice = await history('alice', 'C2Cbob');
    expect(alice.map((m) => m.text)).toEqual([
      'bob asks for a receipt',
      'after the read',
      'no receipt wanted',
      'needs a receipt',
      'second',
      'hi bob',
    ]);
    const byText = (list: Row[], text: string) => list.find((m) => m.text === text)!;
    expect(byText(alice, 'bob asks for a receipt')).toMatchObject({ msgID: fromBob, isSelf: false, receipt: null });
    expect(byText(alice, 'after the read').receipt).toEqual({
      readCount: 0,
      unreadCount: 1,
      isPeerRead: false,
      timestamp: null,
    });
    expect(byText(alice, 'no receipt wanted')).toMatchObject({ isSelf: true, needReadReceipt: false, receipt: null });
    expect(byText(alice, 'hi bob').receipt).toEqual({
      readCount: 1,
      unreadCount: 0,
      isPeerRead: true,
      timestamp: readAt1,
    });

    const bob = await history('bob', 'C2Calice');
    expect(bob).toHaveLength(6);
    for (const m of bob.filter((m) => !m.isSelf)) expect(m.receipt).toBeNull();
    expect(byText(bob, 'bob asks for a receipt')).toMatchObject({
      isSelf: true,
      receipt: { readCount: 0, unreadCount: 1, isPeerRead: false, timestamp: null },
    });
  });

  it('receiptUpdated(conversationID) filters to one chat; without it every chat of the caller', async () => {
    const client = await t.wsClient('alice');
    const onlyBob = await liveReceipts(client, { conversationID: 'C2Cbob' }, peerProbe(t, 'alice', 'bob'));
    const all = await liveReceipts(client, {}, strangerProbe(t, 'alice'));

    const toCarol = await send('alice', 'C2Ccarol', 'hi carol');
    const toBob = await send('alice', 'C2Cbob', 'hi again bob');
    const carolRead = await t.ok('carol', MARK_READ, { msgIDs: [toCarol] });
    const bobRead = await t.ok('bob', MARK_READ, { msgIDs: [toBob] });

    const carolView = {
      ...aliceView(toCarol, carolRead.markRead[0].timestamp),
      conversationID: 'C2Ccarol',
      userID: 'carol',
    };
    expect(await all.next(2)).toEqual([carolView, aliceView(toBob, bobRead.markRead[0].timestamp)]);
    // carol's read was published first: had the filter let it through, it would come first here.
    expect(await onlyBob.next(1)).toEqual([aliceView(toBob, bobRead.markRead[0].timestamp)]);
    expect(onlyBob.received()).toHaveLength(1);
    onlyBob.dispose();
    all.dispose();
  });
});

describe('conversation-level reads in one-to-one chats', () => {
  it('keep the time each message was first read', async () => {
    const first = await send('gina', 'C2Chank', 'one');
    await t.ok('hank', MARK_CONVERSATION_READ, { conversationID: 'C2Cgina' });
    const [before] = await receiptsOf('gina', [first]);
    expect(before.timestamp).toMatch(ISO);

    const second = await send('gina', 'C2Chank', 'two');
    await t.ok('hank', MARK_CONVERSATION_READ, { conversationID: 'C2Cgina' });
    const [firstAgain, secondRead] = await receiptsOf('gina', [first, second]);
    expect(firstAgain).toEqual(before);
    expect(secondRead.isPeerRead).toBe(true);
    expect(Date.parse(secondRead.timestamp)).toBeGreaterThanOrEqual(Date.parse(before.timestamp));
  });

  it('never reveal reads made while receipts were off', async () => {
    const hidden = await send('ivy', 'C2Cjack', 'read in private');
    await t.ok('jack', 'mutation { setReadReceiptsEnabled(enabled: false) { userID } }');
    await t.ok('jack', MARK_CONVERSATION_READ, { conversationID: 'C2Civy' });
    await t.ok('jack', 'mutation { setReadReceiptsEnabled(enabled: true) { userID } }');
    const visible = await send('ivy', 'C2Cjack', 'read in public');
    await t.ok('jack', MARK_CONVERSATION_READ, { conversationID: 'C2Civy' });

    const [hiddenView, visibleView] = await receiptsOf('ivy', [hidden, visible]);
    expect(hiddenView).toMatchObject({ isPeerRead: false, timestamp: null, readCount: 0, unreadCount: 1 });
    expect(visibleView).toMatchObject({ isPeerRead: true, readCount: 1, unreadCount: 0 });
  });
});
