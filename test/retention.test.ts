// RECEIPT_RETENTION_DAYS: past it the sweep removes group messages' reader lists, on a clock
// the test moves; the figures a sender sees stay exactly what they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptRetention } from '../src/resolvers/retention.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { CREATE_GROUP, MARK_READ, READ_MEMBERS, RECEIPTS, REMOVE_MEMBERS, SEND } from './helpers/operations.ts';

const DAY_MS = 86_400_000;
let t: TestApp;
let sweepAt: Date;
let sweeper: ReceiptRetention;
const msg = { wide: '', narrow: '', plain: '', c2c: '' };

const send = async (conversationID: string, needReadReceipt: boolean) =>
  (await t.ok('alice', SEND, { conversationID, text: 'hi', needReadReceipt })).sendMessage.msgID as string;
const figures = async (msgIDs: string[]) => (await t.ok('alice', RECEIPTS, { msgIDs })).messageReceipts;
const rowsOf = async (ids: string[]) => {
  const messageId = { in: ids.map(Number) };
  return {
    receipts: await t.db.receipt.count({ where: { messageId } }),
    pairs: await t.db.expiredReceipt.count({ where: { messageId } }),
  };
};

beforeAll(async () => {
  // Two rows a batch: the wide message's four receipts take more than one transaction.
  t = await startTestApp({ RECEIPT_RETENTION_DAYS: '7', RECEIPT_SWEEP_BATCH_ROWS: '2' });
  sweepAt = new Date();
  sweeper = t.app.services.retention.withClock(() => sweepAt);
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'old',
    name: 'Old',
    type: 'WORK',
    memberIDs: ['r1', 'r2', 'r3', 'r4', 'r5'],
  });
  msg.wide = await send('GROUPold', true);
  msg.narrow = await send('GROUPold', true);
  msg.plain = await send('GROUPold', false);
  msg.c2c = await send('C2Cbob', true);
  for (const reader of ['r1', 'r2', 'r3', 'r4']) await t.ok(reader, MARK_READ, { msgIDs: [msg.wide] });
  await t.ok('r1', MARK_READ, { msgIDs: [msg.narrow] });
  await t.ok('bob', MARK_READ, { msgIDs: [msg.c2c] });
});
afterAll(() => t.stop());

describe('receipt retention', () => {
  it('keeps everything while messages are younger than the retention', async () => {
    sweepAt = new Date(Date.now() + 6 * DAY_MS);
    expect(await sweeper.sweepAll()).toBe(0);
    expect(await rowsOf([msg.wide, msg.narrow])).toEqual({ receipts: 5, pairs: 0 });
    const page = await t.ok('alice', READ_MEMBERS, { msgID: msg.wide, filter: 'READ' });
    expect(page.readMembers.edges).toHaveLength(4);
  });

  it('past it, removes the reader lists in batches and the figures stay exactly the same', async () => {
    const before = await figures([msg.wide, msg.narrow]);
    const c2cBefore = await figures([msg.c2c]);
    sweepAt = new Date(Date.now() + 8 * DAY_MS);
    // Two rows a transaction: wide 2, wide 2, then narrow 1. Then nothing is left.
    expect(await sweeper.step()).toEqual({ moved: 2, more: true });
    expect(await sweeper.sweepAll()).toBe(3);
    expect(await sweeper.sweepAll()).toBe(0);
    expect(await rowsOf([msg.wide, msg.narrow])).toEqual({ receipts: 0, pairs: 5 });
    expect(await figures([msg.wide, msg.narrow])).toEqual(before);
    expect(before.map((r: { readCount: number }) => r.readCount)).toEqual([4, 1]);
    // One-to-one keeps its one row: it is the figure (isPeerRead, timestamp).
    expect(await rowsOf([msg.c2c])).toEqual({ receipts: 1, pairs: 0 });
    expect(await figures([msg.c2c])).toEqual(c2cBefore);
  });

  it('readMembers answers READ_RECEIPT_EXPIRED with the date the list was dropped', async () => {
    for (const filter of ['READ', 'UNREAD']) {
      const result = await t.gql('alice', READ_MEMBERS, { msgID: msg.wide, filter });
      expect(result.errors?.[0]?.extensions).toEqual({
        code: 'READ_RECEIPT_EXPIRED',
        expiredAt: sweepAt.toISOString(),
      });
    }
    // Distinct from 10062, which a message without a receipt still gives.
    const none = await t.gql('alice', READ_MEMBERS, { msgID: msg.plain, filter: 'READ' });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'READ_RECEIPT_NOT_FOUND', errorCode: 10062 });
  });

  it('a late markRead counts a new reader once, and never one whose row was removed', async () => {
    await t.ok('r1', MARK_READ, { msgIDs: [msg.wide, msg.narrow] }); // read before: not again
    expect((await figures([msg.wide, msg.narrow])).map((r: { readCount: number }) => r.readCount)).toEqual([4, 1]);
    await t.ok('r5', MARK_READ, { msgIDs: [msg.wide] }); // a new reader: counted
    await t.ok('r5', MARK_READ, { msgIDs: [msg.wide] }); // and only once
    expect(await figures([msg.wide])).toMatchObject([{ readCount: 5, unreadCount: 0, isPeerRead: true }]);
    // Late reads go straight to the pairs: no reader list grows back.
    expect(await rowsOf([msg.wide])).toEqual({ receipts: 0, pairs: 5 });
  });

  it('a member who leaves after the sweep takes their read out of the figures', async () => {
    await t.ok('r2', REMOVE_MEMBERS, { groupID: 'old', userIDs: ['r2'] });
    const after = [
      { readCount: 4, unreadCount: 0 },
      { readCount: 1, unreadCount: 3 },
    ];
    // Out of the figures at once; the leave sweeper then deletes the pair.
    expect(await figures([msg.wide, msg.narrow])).toMatchObject(after);
    expect(await rowsOf([msg.wide])).toEqual({ receipts: 0, pairs: 5 });
    expect(await t.app.services.leaveSweep.sweepAll()).toBe(1);
    expect(await rowsOf([msg.wide])).toEqual({ receipts: 0, pairs: 4 });
    expect(await figures([msg.wide, msg.narrow])).toMatchObject(after);
  });

  it('leaves messages sent after the cut-off alone', async () => {
    const fresh = await send('GROUPold', true);
    await t.ok('r3', MARK_READ, { msgIDs: [fresh] });
    sweepAt = new Date(Date.now() + 6 * DAY_MS);
    await sweeper.sweepAll();
    expect(await rowsOf([fresh])).toEqual({ receipts: 1, pairs: 0 });
    expect((await t.ok('alice', READ_MEMBERS, { msgID: fresh, filter: 'READ' })).readMembers.edges).toHaveLength(1);
  });

  it('takes the reads of a leaver back once when retention moves them before the leave sweeper runs', async () => {
    const late = await send('GROUPold', true);
    await t.ok('r4', MARK_READ, { msgIDs: [late] });
    await t.ok('r5', MARK_READ, { msgIDs: [late] });
    await t.ok('r4', REMOVE_MEMBERS, { groupID: 'old', userIDs: ['r4'] });
    const after = [
      { readCount: 3, unreadCount: 0 }, // wide: r1, r3, r5 are left of its audience
      { readCount: 1, unreadCount: 2 }, // late: r5 read it, r1 and r3 have not
    ];
    expect(await figures([msg.wide, late])).toMatchObject(after);
    // Retention moves the leaver's waiting read to a pair; it stays out of the figures.
    sweepAt = new Date(Date.now() + 8 * DAY_MS);
    await sweeper.sweepAll();
    expect(await rowsOf([late])).toEqual({ receipts: 0, pairs: 2 });
    expect(await figures([msg.wide, late])).toMatchObject(after);
    expect(await t.app.services.leaveSweep.sweepAll()).toBe(2);
    expect(await rowsOf([msg.wide, late])).toEqual({ receipts: 0, pairs: 4 });
    expect(await figures([msg.wide, late])).toMatchObject(after);
  });
});
