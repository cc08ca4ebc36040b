// One-to-one conversation reads as ranges (issue 13): markConversationRead writes one
// ConversationRead row, and every path that shows a one-to-one read (Message.receipt,
// messageReceipts, Message.isPeerRead, markRead's own answer) takes the first read from either
// the receipt of a markRead or the range that covers the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { liveReceipts, strangerProbe } from './helpers/live.ts';
import { MARK_CONVERSATION_READ, MARK_READ, RECEIPTS, SET_RECEIPTS } from './helpers/operations.ts';
import { send } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

type Figure = { msgID: string; isPeerRead: boolean; timestamp: string | null; readCount: number };
const HISTORY = `query($conversationID: String!) { messages(conversationID: $conversationID, first: 100) {
  edges { node { msgID isPeerRead receipt { isPeerRead timestamp readCount } } } } }`;
type Node = { msgID: string; isPeerRead: boolean | null; receipt: Omit<Figure, 'msgID'> | null };

async function figures(senderID: string, msgIDs: string[]): Promise<Figure[]> {
  return (await t.ok(senderID, RECEIPTS, { msgIDs })).messageReceipts;
}
async function history(userID: string, conversationID: string): Promise<Map<string, Node>> {
  const data = await t.ok(userID, HISTORY, { conversationID });
  return new Map(data.messages.edges.map((e: { node: Node }) => [e.node.msgID, e.node]));
}
const readChat = (readerID: string, peerID: string) =>
  t.ok(readerID, MARK_CONVERSATION_READ, { conversationID: `C2C${peerID}` });
const setReceipts = (userID: string, enabled: boolean) => t.ok(userID, SET_RECEIPTS, { enabled });

describe('markRead after markConversationRead', () => {
  it('keeps the first read time, counts once, writes no receipt and publishes nothing', async () => {
    const m = await send(t, 'ada', 'C2Cben', 'covered');
    await readChat('ben', 'ada');
    const [before] = await figures('ada', [m]);
    expect(before).toMatchObject({ isPeerRead: true, readCount: 1 });

    const ada = await liveReceipts(await t.wsClient('ada'), {}, strangerProbe(t, 'ada'));
    const again = await t.ok('ben', MARK_READ, { msgIDs: [m] });
    expect(again.markRead[0]).toMatchObject({ msgID: m, isPeerRead: true, timestamp: before.timestamp });
    expect(await figures('ada', [m])).toEqual([before]);
    expect(await t.db.receipt.count({ where: { messageId: Number(m) } })).toBe(0);

    // A read of a message no range covers is published: had the first call published, its event would come first.
    const fresh = await send(t, 'ada', 'C2Cben', 'not covered');
    await t.ok('ben', MARK_READ, { msgIDs: [fresh] });
    const [event] = await ada.next(1);
    expect(event.msgID).toBe(fresh);
    expect(ada.received()).toHaveLength(1);
    ada.dispose();
  });

  it('keeps an earlier markRead time when a conversation read covers the message later', async () => {
    const m = await send(t, 'ada', 'C2Cbo', 'read one by one');
    const first = (await t.ok('bo', MARK_READ, { msgIDs: [m] })).markRead[0].timestamp;
    await readChat('bo', 'ada');
    expect(await figures('ada', [m])).toMatchObject([{ isPeerRead: true, timestamp: first, readCount: 1 }]);
  });
});

describe('receipts off, then on', () => {
  it('never reveals the reads made while off, by any path or any later read', async () => {
    const shared = await send(t, 'cal', 'C2Cdee', 'read in public');
    await readChat('dee', 'cal');
    const hidden = await send(t, 'cal', 'C2Cdee', 'read in private');
    await setReceipts('dee', false);
    await readChat('dee', 'cal');
    await setReceipts('dee', true);
    await readChat('dee', 'cal'); // nothing new since the private read
    const later = await send(t, 'cal', 'C2Cdee', 'read in public again');
    await readChat('dee', 'cal');

    const [a, b, c] = await figures('cal', [shared, hidden, later]);
    expect([a.isPeerRead, b.isPeerRead, c.isPeerRead]).toEqual([true, false, true]);
    expect(b).toMatchObject({ timestamp: null, readCount: 0 });
    const chat = await history('cal', 'C2Cdee');
    expect([shared, hidden, later].map((id) => chat.get(id)?.isPeerRead)).toEqual([true, false, true]);
    expect(chat.get(hidden)?.receipt).toMatchObject({ isPeerRead: false, timestamp: null });
    // The private read wrote nothing: only the two public reads are rows.
    expect(await t.db.conversationRead.count({ where: { readerId: 'dee' } })).toBe(2);
  });
});

describe('isPeerRead and Message.receipt', () => {
  it('agree inside ranges, at both edges, between them and after them', async () => {
    // seq: 1 2 | read | 3 (eve's own) 4 | private read | 5 | read | 6
    const s1 = await send(t, 'fay', 'C2Ceve', 's1');
    const s2 = await send(t, 'fay', 'C2Ceve', 's2');
    await readChat('eve', 'fay'); // range (0, 2]
    const own = await send(t, 'eve', 'C2Cfay', 'from eve, inside her next range');
    const s4 = await send(t, 'fay', 'C2Ceve', 's4');
    await setReceipts('eve', false);
    await readChat('eve', 'fay'); // no range: receiptSeq 4
    await setReceipts('eve', true);
    const s5 = await send(t, 'fay', 'C2Ceve', 's5');
    await readChat('eve', 'fay'); // range (4, 5]: s4 is its exclusive fromSeq, s5 its toSeq
    const s6 = await send(t, 'fay', 'C2Ceve', 's6');
    expect(
      await t.db.conversationRead.findMany({ where: { readerId: 'eve' }, orderBy: { toSeq: 'asc' } }),
    ).toMatchObject([
      { fromSeq: 0, toSeq: 2 },
      { fromSeq: 4, toSeq: 5 },
    ]);

    const ids = [s1, s2, s4, s5, s6];
    const expected = [true, true, false, true, false];
    const pulled = await figures('fay', ids);
    const chat = await history('fay', 'C2Ceve');
    expect(pulled.map((f) => f.isPeerRead)).toEqual(expected);
    expect(ids.map((id) => chat.get(id)?.isPeerRead)).toEqual(expected);
    expect(ids.map((id) => chat.get(id)?.receipt?.isPeerRead)).toEqual(expected);
    expect(pulled.map((f) => f.readCount)).toEqual(expected.map(Number));

    // eve's own message lies inside the seqs she read: that is no read by fay.
    const eveChat = await history('eve', 'C2Cfay');
    expect(eveChat.get(own)).toMatchObject({ isPeerRead: false, receipt: { isPeerRead: false, readCount: 0 } });
    expect((await figures('eve', [own]))[0]).toMatchObject({ isPeerRead: false, timestamp: null });
  });
});

describe('concurrent conversation reads', () => {
  it('write one range between them, whatever their number', async () => {
    await send(t, 'gil', 'C2Chal', 'one');
    await send(t, 'gil', 'C2Chal', 'two');
    await Promise.all(Array.from({ length: 5 }, () => readChat('hal', 'gil')));
    expect(await t.db.conversationRead.findMany({ where: { readerId: 'hal' } })).toMatchObject([
      { fromSeq: 0, toSeq: 2 },
    ]);
  });
});
