// READ_RECEIPT_PRIVACY=RECIPROCAL: a user with receipts off sees no receipts for their own
// messages (figures, readers, live events) until they turn them on again; ONE_WAY does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts, strangerProbe } from './helpers/live.ts';
import { CREATE_GROUP, MARK_READ, MESSAGES, READ_MEMBERS, RECEIPTS, SEND, SET_RECEIPTS } from './helpers/operations.ts';

const WITHHELD = { code: 'FORBIDDEN', reason: 'READ_RECEIPTS_OFF' };

async function setUp(t: TestApp, groupID: string) {
  await t.ok('alice', CREATE_GROUP, { groupID, name: 'Privacy', type: 'WORK', memberIDs: ['bob', 'carol'] });
  const send = async (from: string) =>
    (await t.ok(from, SEND, { conversationID: `GROUP${groupID}`, text: 'hi', needReadReceipt: true })).sendMessage
      .msgID as string;
  return { send };
}

describe('RECIPROCAL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ READ_RECEIPT_PRIVACY: 'RECIPROCAL' });
  });
  afterAll(() => t.stop());

  it('withholds figures, readers and live events while off, and shows them again when on', async () => {
    const { send } = await setUp(t, 'recip');
    const first = await send('alice');
    await t.ok('bob', MARK_READ, { msgIDs: [first] });
    // Control: with receipts on, alice sees them, live too.
    expect((await t.ok('alice', RECEIPTS, { msgIDs: [first] })).messageReceipts[0].readCount).toBe(1);
    const live = await liveReceipts(await t.wsClient('alice'), {}, strangerProbe(t, 'alice'));

    await t.ok('alice', SET_RECEIPTS, { enabled: false });
    await t.ok('carol', MARK_READ, { msgIDs: [first] }); // recorded, but alice gets no event
    expect((await t.gql('alice', RECEIPTS, { msgIDs: [first] })).errors?.[0]?.extensions).toEqual(WITHHELD);
    for (const filter of ['READ', 'UNREAD']) {
      const page = await t.gql('alice', READ_MEMBERS, { msgID: first, filter });
      expect(page.errors?.[0]?.extensions).toEqual(WITHHELD);
    }
    const history = await t.ok('alice', MESSAGES, { conversationID: 'GROUPrecip', first: 5 });
    expect(history.messages.edges[0].node.receipt).toBeNull();

    await t.ok('alice', SET_RECEIPTS, { enabled: true });
    expect((await t.ok('alice', RECEIPTS, { msgIDs: [first] })).messageReceipts[0]).toMatchObject({
      readCount: 2,
      unreadCount: 0,
    });
    const second = await send('alice');
    await t.ok('bob', MARK_READ, { msgIDs: [second] });
    // The first event after turning back on is bob's read of the second message: carol's read
    // of the first, made while alice was off, never reached her stream.
    expect((await live.next(1)).map((r) => [r.msgID, r.readCount])).toEqual([[second, 1]]);
    live.dispose();
  });

  it('never reveals the reads a user made while their receipts were off, to a sender who has them on', async () => {
    const { send } = await setUp(t, 'recip2');
    const bobs = await send('bob');
    await t.ok('alice', SET_RECEIPTS, { enabled: false });
    await t.ok('alice', MARK_READ, { msgIDs: [bobs] });
    await t.ok('alice', SET_RECEIPTS, { enabled: true });
    expect((await t.ok('bob', RECEIPTS, { msgIDs: [bobs] })).messageReceipts[0]).toMatchObject({
      readCount: 0,
      unreadCount: 2,
    });
  });
});

describe('ONE_WAY (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it('a user with receipts off still sees who read their messages', async () => {
    const { send } = await setUp(t, 'oneway');
    const first = await send('alice');
    await t.ok('alice', SET_RECEIPTS, { enabled: false });
    await t.ok('bob', MARK_READ, { msgIDs: [first] });
    expect((await t.ok('alice', RECEIPTS, { msgIDs: [first] })).messageReceipts[0].readCount).toBe(1);
    const page = await t.ok('alice', READ_MEMBERS, { msgID: first, filter: 'READ' });
    expect(page.readMembers.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(['bob']);
  });
});
