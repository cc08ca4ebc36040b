// Leaves take their reader's reads back in the background (the leave sweeper): the figures and
// lists a sender sees must be exact from the leave on, before, during and after the sweep.
// The sweeper does not run on its own here (it is stopped): each test steps it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_RATE_LIMITS, settle, startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { testProvider } from './helpers/databases.ts';
import { ADD_MEMBERS, MARK_READ, RECEIPT_UPDATED, REMOVE_MEMBERS } from './helpers/operations.ts';
import { counts, createGroup, listAll, send, userIDs } from './helpers/receipts.ts';

const FACES = `query($msgIDs: [ID!]!) { messageReceipts(msgIDs: $msgIDs) { msgID recentReaders(first: 10) { userID } } }`;

let t: TestApp;
beforeAll(async () => {
  // Two reads a transaction, so a sweep takes several steps.
  t = await startTestApp({ ...NO_RATE_LIMITS, RECEIPT_SWEEP_BATCH_ROWS: '2' });
});
afterAll(() => t.stop());

const sweeper = () => t.app.services.leaveSweep;
const read = (userID: string, msgIDs: string[]) => t.ok(userID, MARK_READ, { msgIDs });
const leave = (groupID: string, userID: string) => t.ok(userID, REMOVE_MEMBERS, { groupID, userIDs: [userID] });
const faces = async (senderID: string, msgID: string) =>
  (await t.ok(senderID, FACES, { msgIDs: [msgID] })).messageReceipts[0].recentReaders.map(
    (u: { userID: string }) => u.userID,
  );
const waiting = () => t.db.receiptTakeback.count();

/** What the sender sees of one message: figures, READ list, and "seen by" (newest first). */
async function view(senderID: string, msgID: string) {
  return {
    ...(await counts(t, senderID, msgID)),
    read: await listAll(t, senderID, msgID, 'READ'),
    faces: await faces(senderID, msgID),
  };
}

describe('a leave, before and after the sweep', () => {
  it('leaves the leaver out of every figure and list at once, and the sweep changes nothing seen', async () => {
    await createGroup(t, 'own', 'plain', ['amy', 'bo', 'cy']);
    const live = subscribe(await t.wsClient('own'), RECEIPT_UPDATED, { conversationID: 'GROUPplain' });
    // Listening started the server's own sweeper: this file steps it by hand instead.
    await sweeper().stop();
    await settle();
    const [m1, m2] = [await send(t, 'own', 'GROUPplain', 'one'), await send(t, 'own', 'GROUPplain', 'two')];
    await read('amy', [m1, m2]);
    await read('bo', [m1, m2]);
    await read('cy', [m1]);
    await leave('plain', 'bo');
    const expected = {
      m1: { readCount: 2, unreadCount: 0, read: ['amy', 'cy'], faces: ['cy', 'amy'] },
      m2: { readCount: 1, unreadCount: 1, read: ['amy'], faces: ['amy'] },
    };
    expect(await view('own', m1)).toEqual(expected.m1);
    expect(await view('own', m2)).toEqual(expected.m2);
    // The live figures markRead sends the sender count the same way: cy completes m2.
    await read('cy', [m2]);
    // Five reads came before: amy's and bo's of both, cy's of m1.
    expect((await live.next(6))[5].data?.receiptUpdated).toMatchObject({ msgID: m2, readCount: 2, unreadCount: 0 });
    expected.m2 = { readCount: 2, unreadCount: 0, read: ['amy', 'cy'], faces: ['cy', 'amy'] };

    expect(await sweeper().step()).toEqual({ takenBack: 2, more: true });
    expect(await sweeper().sweepAll()).toBe(0);
    expect(await waiting()).toBe(0);
    expect(await t.db.receipt.count({ where: { userId: 'bo' } })).toBe(0);
    expect(await view('own', m1)).toEqual(expected.m1);
    expect(await view('own', m2)).toEqual(expected.m2);
    // Stored counters now hold the figures themselves.
    const stored = await t.db.message.findMany({
      where: { id: { in: [Number(m1), Number(m2)] } },
      orderBy: { id: 'asc' },
    });
    expect(stored.map((m) => m.readCount)).toEqual([2, 2]);
  });

  it('keeps keyset pages exact across leaves and the sweep', async () => {
    const readers = userIDs('p', 6);
    await createGroup(t, 'pager', 'pages', readers);
    const msg = await send(t, 'pager', 'GROUPpages', 'paged');
    for (const r of readers) await read(r, [msg]);
    const first = (await t.ok('pager', PAGE, { msgID: msg, first: 2 })).readMembers;
    expect(first.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(['p000', 'p001']);
    await leave('pages', 'p002');
    await leave('pages', 'p004');
    const rest = (await t.ok('pager', PAGE, { msgID: msg, first: 10, after: first.pageInfo.endCursor })).readMembers;
    expect(rest.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(['p003', 'p005']);
    await sweeper().sweepAll();
    const again = (await t.ok('pager', PAGE, { msgID: msg, first: 10, after: first.pageInfo.endCursor })).readMembers;
    expect(again.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(['p003', 'p005']);
  });
});

const PAGE = `query($msgID: ID!, $first: Int, $after: String) { readMembers(msgID: $msgID, filter: READ, first: $first, after: $after) {
  edges { node { userID } } pageInfo { endCursor } } }`;

describe('rejoining before the sweep', () => {
  it('leave, rejoin, read, leave again: each stay taken back once, the new reads never touched early', async () => {
    await createGroup(t, 'host', 'door', ['xi', 'yu']);
    const old = await send(t, 'host', 'GROUPdoor', 'old');
    await read('xi', [old]);
    await read('yu', [old]);
    await leave('door', 'xi');
    await t.ok('host', ADD_MEMBERS, { groupID: 'door', userIDs: ['xi'] });
    const fresh = await send(t, 'host', 'GROUPdoor', 'fresh');
    await read('xi', [old, fresh]); // old: not in its audience any more, so not counted
    // The first stay waits for the sweep; the rejoined member's read of `fresh` counts.
    expect(await view('host', old)).toEqual({ readCount: 1, unreadCount: 0, read: ['yu'], faces: ['yu'] });
    expect(await view('host', fresh)).toEqual({ readCount: 1, unreadCount: 1, read: ['xi'], faces: ['xi'] });
    await leave('door', 'xi');
    expect(await waiting()).toBe(2);
    const gone = { readCount: 0, unreadCount: 1, read: [], faces: [] };
    expect(await view('host', fresh)).toEqual(gone);
    expect(await sweeper().sweepAll()).toBe(2);
    expect(await view('host', old)).toEqual({ readCount: 1, unreadCount: 0, read: ['yu'], faces: ['yu'] });
    expect(await view('host', fresh)).toEqual(gone);
  });

  it('a sweep of the first stay while the member is back keeps their new reads', async () => {
    await createGroup(t, 'host', 'again', ['zed', 'way']);
    const old = await send(t, 'host', 'GROUPagain', 'old');
    await read('zed', [old]);
    await leave('again', 'zed');
    await t.ok('host', ADD_MEMBERS, { groupID: 'again', userIDs: ['zed'] });
    const fresh = await send(t, 'host', 'GROUPagain', 'fresh');
    await read('zed', [fresh]);
    expect(await sweeper().sweepAll()).toBe(1);
    expect(await view('host', old)).toEqual({ readCount: 0, unreadCount: 1, read: [], faces: [] });
    expect(await view('host', fresh)).toEqual({ readCount: 1, unreadCount: 1, read: ['zed'], faces: ['zed'] });
    expect(await t.db.receipt.count({ where: { userId: 'zed' } })).toBe(1);
  });
});

describe('a sweep that fails', () => {
  it('takes nothing back when its transaction fails after the counts were changed, then finishes once', async () => {
    await createGroup(t, 'boss', 'fail', ['quit', 'kept']);
    const msg = await send(t, 'boss', 'GROUPfail', 'hi');
    await read('quit', [msg]);
    await read('kept', [msg]);
    await leave('fail', 'quit');
    const before = await view('boss', msg);
    expect(before).toEqual({ readCount: 1, unreadCount: 0, read: ['kept'], faces: ['kept'] });
    // A real failure at the last statement of the step, after readCount and the reads changed.
    await failTakebackDeletes(true);
    try {
      await expect(sweeper().step()).rejects.toThrow(/injected/);
    } finally {
      await failTakebackDeletes(false);
    }
    expect(await t.db.receipt.count({ where: { userId: 'quit' } })).toBe(1);
    expect(await view('boss', msg)).toEqual(before);
    expect(await sweeper().sweepAll()).toBe(1);
    expect(await view('boss', msg)).toEqual(before);
    expect((await t.db.message.findUniqueOrThrow({ where: { id: Number(msg) } })).readCount).toBe(1);
  });
});

/** A trigger that fails every delete of a ReceiptTakeback row (or removes it). */
async function failTakebackDeletes(on: boolean) {
  if (testProvider === 'postgresql') {
    if (on) {
      await t.db.$executeRawUnsafe(`CREATE FUNCTION fail_takeback() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql`);
      await t.db.$executeRawUnsafe(`CREATE TRIGGER fail_takeback BEFORE DELETE ON "ReceiptTakeback"
        FOR EACH ROW EXECUTE FUNCTION fail_takeback()`);
    } else {
      await t.db.$executeRawUnsafe(`DROP TRIGGER fail_takeback ON "ReceiptTakeback"`);
      await t.db.$executeRawUnsafe('DROP FUNCTION fail_takeback()');
    }
  } else if (on) {
    await t.db.$executeRawUnsafe(`CREATE TRIGGER fail_takeback BEFORE DELETE ON "ReceiptTakeback"
      BEGIN SELECT RAISE(ABORT, 'injected'); END`);
  } else {
    await t.db.$executeRawUnsafe('DROP TRIGGER fail_takeback');
  }
}

describe('markRead while the sweeper runs', () => {
  it('counts every reader exactly once', async () => {
    const members = userIDs('r', 12);
    const leavers = members.slice(0, 4);
    await createGroup(t, 'chief', 'race', members);
    const msgIDs: string[] = [];
    for (let i = 0; i < 8; i++) msgIDs.push(await send(t, 'chief', 'GROUPrace', `m${i}`));
    for (const l of leavers) await read(l, msgIDs);
    for (const l of leavers) await leave('race', l);
    // The 32 reads to take back go two a transaction while the others read the same messages.
    const stayers = members.slice(4);
    await Promise.all([sweeper().sweepAll(), ...stayers.map((s) => read(s, msgIDs))]);
    await sweeper().sweepAll();
    expect(await waiting()).toBe(0);
    for (const msg of msgIDs) {
      expect(await counts(t, 'chief', msg)).toEqual({ readCount: 8, unreadCount: 0 });
      expect((await listAll(t, 'chief', msg, 'READ')).sort()).toEqual(stayers);
    }
    const stored = await t.db.message.findMany({ where: { conversationId: 'GROUPrace' } });
    expect(stored.map((m) => m.readCount)).toEqual(msgIDs.map(() => 8));
  });
});

describe('a repeated send', () => {
  const SEND_ONCE = `mutation($key: String) { sendMessage(conversationID: "GROUPonce", text: "hi", needReadReceipt: true,
    clientMsgID: $key) { msgID receipt { readCount unreadCount } } }`;

  it('answers with the figures as they are now, leaves counted', async () => {
    await createGroup(t, 'src', 'once', ['ua', 'ub']);
    const first = (await t.ok('src', SEND_ONCE, { key: 'k1' })).sendMessage;
    expect(first.receipt).toEqual({ readCount: 0, unreadCount: 2 });
    await read('ua', [first.msgID]);
    await leave('once', 'ua');
    const again = (await t.ok('src', SEND_ONCE, { key: 'k1' })).sendMessage;
    expect(again).toEqual({ msgID: first.msgID, receipt: { readCount: 0, unreadCount: 1 } });
  });
});
