// Round two (issue 15): what a client needs to keep a chat's read state without custom code.
// MessageReceipt.id / conversation / message, Conversation.peerReadAt, Message.isPeerRead and
// readByMe, markRead's skipIneligible, and the Relay-style `after` on messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { MARK_CONVERSATION_READ, MARK_READ, SET_RECEIPTS } from './helpers/operations.ts';
import { createGroup, send } from './helpers/receipts.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const STATE = `query($conversationID: String!, $first: Int, $after: String) {
  messages(conversationID: $conversationID, first: $first, after: $after) {
    edges { cursor node { msgID text readByMe isPeerRead
      receipt { id msgID readCount unreadCount isPeerRead message { msgID } conversation { conversationID unreadCount } } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const PEER_READ_AT = `query($conversationID: String!) { conversations(first: 50) { edges { node { conversationID peerReadAt } } }
  messages(conversationID: $conversationID, first: 1) { edges { node { msgID } } } }`;
const RECEIPT_IDS = `query($msgIDs: [ID!]!) { messageReceipts(msgIDs: $msgIDs) { id msgID } }`;

type Node = {
  msgID: string;
  text: string;
  readByMe: boolean;
  isPeerRead: boolean | null;
  receipt: { id: string; msgID: string; readCount: number; message: { msgID: string } | null } | null;
};
async function history(userID: string, conversationID: string, first = 50, after?: string) {
  const data = await t.ok(userID, STATE, { conversationID, first, after });
  return data.messages as {
    edges: { cursor: string; node: Node }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
  };
}
const byText = async (userID: string, conversationID: string) =>
  Object.fromEntries((await history(userID, conversationID)).edges.map((e) => [e.node.text, e.node]));

async function peerReadAt(userID: string, conversationID: string) {
  const data = await t.ok(userID, PEER_READ_AT, { conversationID });
  const edge = data.conversations.edges.find(
    (e: { node: { conversationID: string } }) => e.node.conversationID === conversationID,
  );
  return edge?.node.peerReadAt as string | null;
}

describe('MessageReceipt identity', () => {
  it('gives the sender one id per message, in Message.receipt, messageReceipts and receiptUpdated alike', async () => {
    const m = await send(t, 'ann', 'C2Cbo', 'hello');
    const [node] = (await history('ann', 'C2Cbo')).edges.map((e) => e.node);
    const [pulled] = (await t.ok('ann', RECEIPT_IDS, { msgIDs: [m] })).messageReceipts;
    expect(node.receipt?.id).toBeTruthy();
    expect(pulled.id).toBe(node.receipt?.id);
    expect(node.receipt?.message).toEqual({ msgID: m });

    const live = await t.wsClient('ann');
    type Event = { msgID: string | null; id: string; message: unknown; conversation: unknown };
    const events: { data: { receiptUpdated: Event } }[] = [];
    const stop = live.subscribe(
      { query: 'subscription { receiptUpdated { id msgID conversation { conversationID } message { msgID } } }' },
      { next: (e) => events.push(e as (typeof events)[number]), error: () => {}, complete: () => {} },
    );
    // The subscription is live once a poke (bo's conversation-level read) arrives.
    for (let i = 0; i < 40 && events.length === 0; i++) {
      await t.ok('bo', MARK_CONVERSATION_READ, { conversationID: 'C2Cann' });
      await new Promise((r) => setTimeout(r, 100));
    }
    const chatLevel = events[0].data.receiptUpdated;
    expect(chatLevel).toMatchObject({ msgID: null, message: null, conversation: { conversationID: 'C2Cbo' } });
    // A conversation-level read has a stable id of its own, for this chat and this sender.
    await t.ok('bo', MARK_CONVERSATION_READ, { conversationID: 'C2Cann' });
    const m2 = await send(t, 'ann', 'C2Cbo', 'again');
    await t.ok('bo', MARK_READ, { msgIDs: [m2] });
    for (let i = 0; i < 50 && !events.some((e) => e.data.receiptUpdated.msgID === m2); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    stop();
    const ids = events.map((e) => e.data.receiptUpdated);
    expect(ids.filter((r) => r.msgID === null).every((r) => r.id === chatLevel.id)).toBe(true);
    const [pulled2] = (await t.ok('ann', RECEIPT_IDS, { msgIDs: [m2] })).messageReceipts;
    expect(ids.find((r) => r.msgID === m2)).toEqual({
      id: pulled2.id,
      msgID: m2,
      conversation: { conversationID: 'C2Cbo' },
      message: { msgID: m2 },
    });
    expect(pulled2.id).not.toBe(chatLevel.id);
  });

  it("gives the reader's own receipt (markRead's result) an id of its own, never the sender's", async () => {
    const m = await send(t, 'ann', 'C2Cbo', 'reader view');
    const [mine] = (await t.ok('bo', MARK_READ.replace('msgID ', 'id msgID '), { msgIDs: [m] })).markRead;
    const [senders] = (await t.ok('ann', RECEIPT_IDS, { msgIDs: [m] })).messageReceipts;
    expect(mine.id).not.toBe(senders.id);
  });
});

describe('peerReadAt and isPeerRead', () => {
  it('shows the sender when the peer read the chat, for messages with and without receipts', async () => {
    await send(t, 'cy', 'C2Cdi', 'with receipt');
    expect(await peerReadAt('cy', 'C2Cdi')).toBeNull();
    await send(t, 'cy', 'C2Cdi', 'no receipt', false);
    await send(t, 'di', 'C2Ccy', 'from di', false);
    let cy = await byText('cy', 'C2Cdi');
    expect([cy['with receipt'].isPeerRead, cy['no receipt'].isPeerRead]).toEqual([false, false]);
    // Not the caller's own message, so unknown to them.
    expect(cy['from di'].isPeerRead).toBeNull();

    await t.ok('di', MARK_CONVERSATION_READ, { conversationID: 'C2Ccy' });
    await send(t, 'cy', 'C2Cdi', 'after the read', false);
    cy = await byText('cy', 'C2Cdi');
    expect([cy['with receipt'].isPeerRead, cy['no receipt'].isPeerRead, cy['after the read'].isPeerRead]).toEqual([
      true,
      true,
      false,
    ]);
    const at = await peerReadAt('cy', 'C2Cdi');
    expect(Date.parse(at as string)).toBeGreaterThan(0);
    // di's own view of the chat has cy's read time, which is none.
    expect(await peerReadAt('di', 'C2Ccy')).toBeNull();
  });

  it('reveals nothing of a peer with receipts off: peerReadAt null, isPeerRead false', async () => {
    await send(t, 'ed', 'C2Cflo', 'to a private reader', false);
    await t.ok('flo', SET_RECEIPTS, { enabled: false });
    await t.ok('flo', MARK_CONVERSATION_READ, { conversationID: 'C2Ced' });
    expect(await peerReadAt('ed', 'C2Cflo')).toBeNull();
    expect((await byText('ed', 'C2Cflo'))['to a private reader'].isPeerRead).toBe(false);
    // Turning receipts back on reveals no read made while they were off.
    await t.ok('flo', SET_RECEIPTS, { enabled: true });
    expect(await peerReadAt('ed', 'C2Cflo')).toBeNull();
    expect((await byText('ed', 'C2Cflo'))['to a private reader'].isPeerRead).toBe(false);
    // Nor does a later read with receipts on: it covers only what came after the private one.
    await send(t, 'ed', 'C2Cflo', 'to a public reader', false);
    await t.ok('flo', MARK_CONVERSATION_READ, { conversationID: 'C2Ced' });
    expect(await peerReadAt('ed', 'C2Cflo')).not.toBeNull();
    const ed = await byText('ed', 'C2Cflo');
    expect([ed['to a private reader'].isPeerRead, ed['to a public reader'].isPeerRead]).toEqual([false, true]);
  });

  it('is null in groups, and receipts with figures go only to the sender', async () => {
    await createGroup(t, 'gus', 'g1', ['hal', 'ivy']);
    await send(t, 'gus', 'GROUPg1', 'group hello');
    const gus = await byText('gus', 'GROUPg1');
    const hal = await byText('hal', 'GROUPg1');
    expect(gus['group hello'].isPeerRead).toBeNull();
    expect(gus['group hello'].receipt?.readCount).toBe(0);
    expect(hal['group hello'].receipt).toBeNull();
    expect(hal['group hello'].isPeerRead).toBeNull();
    expect(await peerReadAt('gus', 'GROUPg1')).toBeNull();
  });
});

describe('readByMe', () => {
  it('turns true after markRead or a conversation read, and only for the reader', async () => {
    await createGroup(t, 'jo', 'g2', ['kim', 'lu']);
    const a = await send(t, 'jo', 'GROUPg2', 'a');
    await send(t, 'jo', 'GROUPg2', 'b');
    let kim = await byText('kim', 'GROUPg2');
    expect([kim.a.readByMe, kim.b.readByMe]).toEqual([false, false]);
    expect((await byText('jo', 'GROUPg2')).a.readByMe).toBe(true); // own messages count as read

    await t.ok('kim', MARK_READ, { msgIDs: [a] });
    kim = await byText('kim', 'GROUPg2');
    expect([kim.a.readByMe, kim.b.readByMe]).toEqual([true, false]);
    expect((await byText('lu', 'GROUPg2')).a.readByMe).toBe(false);

    await t.ok('lu', MARK_CONVERSATION_READ, { conversationID: 'GROUPg2' });
    await send(t, 'jo', 'GROUPg2', 'c');
    const lu = await byText('lu', 'GROUPg2');
    expect([lu.a.readByMe, lu.b.readByMe, lu.c.readByMe]).toEqual([true, true, false]);
  });

  it('costs a fixed number of statements for a page of 50 messages', async () => {
    const statementsFor = async (count: number, conversationID: string, userID: string) => {
      t.sql.length = 0;
      const page = await history(userID, conversationID, count);
      expect(page.edges).toHaveLength(count);
      if (process.env.SHOW_SQL) console.log(t.sql.join('\n'));
      return t.sql.length;
    };
    await createGroup(t, 'mo', 'g3', ['ned']);
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      ids.push(await send(t, i % 2 ? 'mo' : 'ned', 'GROUPg3', `n${i}`));
      ids.push(await send(t, i % 2 ? 'mo' : 'ned', `C2C${i % 2 ? 'ned' : 'mo'}`, `c${i}`));
    }
    await t.ok('ned', 'query { me { userID } }');
    for (const [conversationID, userID] of [
      ['GROUPg3', 'ned'],
      ['C2Cmo', 'ned'],
    ]) {
      const small = await statementsFor(2, conversationID, userID);
      const large = await statementsFor(50, conversationID, userID);
      expect(large).toBe(small);
      // The page, the caller's conversation, receipts, readByMe (2), isPeerRead (2) and the
      // loaders behind receipt.message and receipt.conversation: the same count at 2 or 50.
      expect(large).toBeLessThanOrEqual(16);
    }
  });
});

describe('markRead skipIneligible', () => {
  it('skips own and no-receipt messages and returns the receipts sent, in input order', async () => {
    const mine = await send(t, 'oz', 'C2Cpam', 'from oz');
    const plain = await send(t, 'pam', 'C2Coz', 'no receipt', false);
    const r1 = await send(t, 'pam', 'C2Coz', 'r1');
    const r2 = await send(t, 'pam', 'C2Coz', 'r2');
    const page = [r2, mine, plain, r1];
    // Strict by default: the whole call fails, and nothing is written.
    const strict = await t.gql('oz', MARK_READ, { msgIDs: page });
    expect(strict.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await byText('oz', 'C2Cpam')).r1.readByMe).toBe(false);

    const skipped = await t.ok('oz', MARK_READ, { msgIDs: page, skipIneligible: true });
    expect(skipped.markRead.map((r: { msgID: string }) => r.msgID)).toEqual([r2, r1]);
    const pamView = await t.ok('pam', RECEIPT_IDS.replace('id msgID', 'msgID readCount'), { msgIDs: [r1, r2] });
    expect(pamView.messageReceipts.map((r: { readCount: number }) => r.readCount)).toEqual([1, 1]);
  });

  it('still refuses unknown ids, mixed chats and non-members', async () => {
    const r = await send(t, 'pam', 'C2Coz', 'r3');
    const other = await send(t, 'pam', 'C2Cquin', 'elsewhere');
    const codes = async (userID: string, msgIDs: string[]) =>
      (await t.gql(userID, MARK_READ, { msgIDs, skipIneligible: true })).errors?.[0].extensions?.code;
    expect(await codes('oz', [r, '999999'])).toBe('NOT_FOUND');
    expect(await codes('oz', [r, other])).toBe('BAD_USER_INPUT');
    expect(await codes('rex', [r])).toBe('FORBIDDEN');
    // Control: the same call by the right user with eligible ids goes through.
    expect(await codes('oz', [r])).toBeUndefined();
  });
});

describe('messages paging (Relay forward)', () => {
  it('pages newest first with first/after, each message once, hasPreviousPage on later pages', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(t, 'sam', 'C2Ctia', `p${i}`, false));
    const seen: string[] = [];
    let after: string | undefined;
    const flags: boolean[] = [];
    for (;;) {
      const page = await history('tia', 'C2Csam', 3, after);
      seen.push(...page.edges.map((e) => e.node.msgID));
      flags.push(page.pageInfo.hasPreviousPage);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...sent].reverse());
    expect(flags).toEqual([false, true, true]);
    const bad = await t.gql('tia', STATE, { conversationID: 'C2Csam', after: 'nope' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
  });
});
