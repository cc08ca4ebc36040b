// MessageReceipt.recentReaders ("Seen by ..."): newest first, the sender's only, batched so a
// page of 50 messages costs the statements one message costs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { strangerProbe } from './helpers/live.ts';
import { CREATE_GROUP, MARK_READ, SEND, SET_RECEIPTS } from './helpers/operations.ts';

let t: TestApp;
const readers = ['r1', 'r2', 'r3', 'r4', 'r5'];
const msgs: string[] = [];

const PAGE = `query($conversationID: String!, $first: Int, $faces: Int) {
  messages(conversationID: $conversationID, first: $first) {
    edges { node { msgID receipt { readCount recentReaders(first: $faces) { userID } } } }
  }
}`;
const FACES = `query($msgIDs: [ID!]!, $faces: Int) { messageReceipts(msgIDs: $msgIDs) { msgID recentReaders(first: $faces) { userID } } }`;
const MARK_READ_FACES = `mutation($msgIDs: [ID!]!) { markRead(msgIDs: $msgIDs) { msgID recentReaders { userID } } }`;
const LIVE = `subscription { receiptUpdated { msgID conversationID readCount recentReaders { userID } } }`;

type Node = { msgID: string; receipt: { readCount: number; recentReaders: { userID: string }[] } | null };
const ids = (users: { userID: string }[]) => users.map((u) => u.userID);

async function page(userID: string, first: number, faces?: number) {
  t.sql.length = 0;
  const data = await t.ok(userID, PAGE, { conversationID: 'GROUPfaces', first, faces });
  return { nodes: data.messages.edges.map((e: { node: Node }) => e.node) as Node[], statements: t.sql.length };
}

beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, {
    groupID: 'faces',
    name: 'Faces',
    type: 'WORK',
    memberIDs: [...readers, 'shy'],
  });
  await t.ok('shy', SET_RECEIPTS, { enabled: false });
  for (let i = 0; i < 50; i++) {
    msgs.push(
      (await t.ok('alice', SEND, { conversationID: 'GROUPfaces', text: `m${i}`, needReadReceipt: true })).sendMessage
        .msgID,
    );
  }
  // Reading order r1, shy (receipts off), r2, ..., r5 on every message; r5 reads only the newest 25.
  for (const reader of ['r1', 'shy', 'r2', 'r3', 'r4']) {
    await t.ok(reader, MARK_READ, { msgIDs: msgs.slice(0, 30) });
    await t.ok(reader, MARK_READ, { msgIDs: msgs.slice(30) });
  }
  await t.ok('r5', MARK_READ, { msgIDs: msgs.slice(25) });
});
afterAll(() => t.stop());

describe('recentReaders', () => {
  it('lists the latest readers newest first, never one whose receipts were off', async () => {
    const { nodes } = await page('alice', 50);
    const newest = nodes[0]; // messages come newest first: msgs[49], read by r5 last
    expect(newest.receipt?.readCount).toBe(5);
    expect(ids(newest.receipt!.recentReaders)).toEqual(['r5', 'r4', 'r3']);
    const older = nodes[49]; // msgs[0]: r5 never read it
    expect(ids(older.receipt!.recentReaders)).toEqual(['r4', 'r3', 'r2']);
    const all = await t.ok('alice', FACES, { msgIDs: [msgs[0], msgs[49]], faces: 10 });
    expect(all.messageReceipts.map((r: { recentReaders: { userID: string }[] }) => ids(r.recentReaders))).toEqual([
      ['r4', 'r3', 'r2', 'r1'],
      ['r5', 'r4', 'r3', 'r2', 'r1'],
    ]);
  });

  it('a page of 50 messages costs the statements of a page of 1', async () => {
    const one = await page('alice', 1);
    const fifty = await page('alice', 50);
    expect(one.nodes).toHaveLength(1);
    expect(fifty.nodes).toHaveLength(50);
    expect(fifty.nodes.every((n) => n.receipt!.recentReaders.length === 3)).toBe(true);
    expect(fifty.statements).toBe(one.statements);
    // A page without faces costs two statements fewer: the ranks, then their users.
    t.sql.length = 0;
    await t.ok(
      'alice',
      `query { messages(conversationID: "GROUPfaces", first: 50) { edges { node { receipt { readCount } } } } }`,
    );
    expect(fifty.statements - t.sql.length).toBe(2);
  });

  it('is bounded: first must be 1 to 10', async () => {
    for (const faces of [0, 11]) {
      const result = await t.gql('alice', FACES, { msgIDs: [msgs[0]], faces });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    }
    expect((await t.gql('alice', FACES, { msgIDs: [msgs[0]], faces: 10 })).errors).toBeUndefined();
  });

  it('is for the sender only: a reader gets no receipt on the page, and no faces on their own receipt', async () => {
    const { nodes } = await page('r1', 50);
    expect(nodes.every((n) => n.receipt === null)).toBe(true);
    const result = await t.gql('r1', FACES, { msgIDs: [msgs[0]] });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Positive control above: alice, the sender, sees them. A reader's markRead answer has none.
    const mine = await t.ok('r2', MARK_READ_FACES, { msgIDs: [msgs[49]] });
    expect(mine.markRead).toEqual([{ msgID: msgs[49], recentReaders: [] }]);
  });

  it('live receipt events carry the new faces', async () => {
    const extra = (await t.ok('alice', SEND, { conversationID: 'GROUPfaces', text: 'live', needReadReceipt: true }))
      .sendMessage.msgID;
    const client = await t.wsClient('alice');
    const sub = subscribe(client, LIVE);
    const probe = strangerProbe(t, 'alice');
    while (sub.events.length === 0) {
      await probe.poke();
      await settle(100);
    }
    await t.ok('r3', MARK_READ, { msgIDs: [extra] });
    await t.ok('r1', MARK_READ, { msgIDs: [extra] });
    const events = async () => {
      while (sub.events.filter((e) => e.data?.receiptUpdated.msgID === extra).length < 2) await settle(50);
      return sub.events.map((e) => e.data?.receiptUpdated).filter((r) => r.msgID === extra);
    };
    expect((await events()).map((r) => [r.readCount, ids(r.recentReaders)])).toEqual([
      [1, ['r3']],
      [2, ['r1', 'r3']],
    ]);
    sub.dispose();
  });
});
