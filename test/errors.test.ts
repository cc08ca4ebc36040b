// Every error path of the contract: the right extensions.code, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../src/auth/jwt.ts';
import { type GqlResult, startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import {
  ADD_MEMBERS,
  CREATE_GROUP,
  MARK_CONVERSATION_READ,
  MARK_READ,
  READ_MEMBERS,
  RECEIPT_UPDATED,
  RECEIPTS,
  REMOVE_MEMBERS,
  SEND,
} from './helpers/operations.ts';

let t: TestApp;
const ids: Record<'team' | 'teamPlain' | 'teamOther' | 'live' | 'c2c' | 'c2cPlain' | 'bobs', string> = {} as never;
const cursors: Record<'unreadOfTeam' | 'readOfOther', string> = {} as never;

const send = async (from: string, conversationID: string, text: string, needReadReceipt = true) =>
  (await t.ok(from, SEND, { conversationID, text, needReadReceipt })).sendMessage.msgID as string;

beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, { groupID: 'team', name: 'Team', type: 'WORK', memberIDs: ['bob', 'carol'] });
  await t.ok('alice', CREATE_GROUP, { groupID: 'live', name: 'Live', type: 'AVCHATROOM', memberIDs: ['bob'] });
  ids.team = await send('alice', 'GROUPteam', 'needs a receipt');
  ids.teamPlain = await send('alice', 'GROUPteam', 'no receipt', false);
  ids.teamOther = await send('alice', 'GROUPteam', 'another one');
  ids.live = await send('alice', 'GROUPlive', 'avchatroom, receipts off by type');
  ids.c2c = await send('alice', 'C2Cbob', 'one-to-one');
  ids.c2cPlain = await send('alice', 'C2Cbob', 'one-to-one, no receipt', false);
  ids.bobs = await send('bob', 'GROUPteam', "bob's own");
  await t.ok('carol', MARK_READ, { msgIDs: [ids.teamOther] });
  const page = async (msgID: string, filter: string) =>
    (await t.ok('alice', READ_MEMBERS, { msgID, filter, first: 1 })).readMembers.edges[0].cursor as string;
  cursors.unreadOfTeam = await page(ids.team, 'UNREAD');
  cursors.readOfOther = await page(ids.teamOther, 'READ');
});
afterAll(() => t.stop());

/** Everything a request could change, in a stable order. */
async function snapshot() {
  const { db } = t;
  return Promise.all([
    db.user.findMany({ orderBy: { id: 'asc' }, select: { id: true, readReceiptsEnabled: true } }),
    db.group.findMany({ orderBy: { id: 'asc' } }),
    db.conversation.findMany({ orderBy: { id: 'asc' } }),
    db.participant.findMany({ orderBy: [{ conversationId: 'asc' }, { userId: 'asc' }] }),
    db.message.findMany({ orderBy: { id: 'asc' } }),
    db.receipt.findMany({ orderBy: [{ messageId: 'asc' }, { userId: 'asc' }] }),
  ]);
}

/** Runs `request`, expects exactly one error with `code` (and `extensions`), and no change in the database. */
async function fails(code: string, request: () => Promise<GqlResult>, extensions: Record<string, unknown> = {}) {
  const before = await snapshot();
  const result = await request();
  expect(
    result.errors?.map((e) => e.extensions?.code),
    JSON.stringify(result.errors),
  ).toEqual([code]);
  expect(result.errors![0].extensions).toMatchObject(extensions);
  expect(result.data ?? null).toBeNull();
  expect(await snapshot()).toEqual(before);
}

const BAD = 'BAD_USER_INPUT';

describe('markRead', () => {
  it.each<[string, () => string[], string]>([
    ['no ids', () => [], BAD],
    ['31 ids', () => Array.from({ length: 31 }, (_, i) => String(i + 1)), BAD],
    ['the same id twice', () => [ids.team, ids.team], BAD],
    ['a garbage id', () => ['abc'], BAD],
    ['id 0', () => ['0'], BAD],
    ['a negative id', () => ['-1'], BAD],
    ['ids from two conversations', () => [ids.team, ids.c2c], BAD],
    ["the caller's own message", () => [ids.bobs], BAD],
    ['a group message without needReadReceipt', () => [ids.teamPlain], BAD],
    ['a one-to-one message without needReadReceipt', () => [ids.c2cPlain], BAD],
    ['a message in an AVCHATROOM group (receipts off for the type)', () => [ids.live], BAD],
    ['an unknown message', () => ['999999'], 'NOT_FOUND'],
    ['a good id and an unknown one', () => [ids.team, '999999'], 'NOT_FOUND'],
    ["a good id and the caller's own", () => [ids.team, ids.bobs], BAD],
    ['a good id and one without needReadReceipt', () => [ids.teamOther, ids.teamPlain], BAD],
  ])('rejects %s', async (_name, msgIDs, code) => {
    await fails(code, () => t.gql('bob', MARK_READ, { msgIDs: msgIDs() }));
  });
});

describe('messageReceipts and readMembers', () => {
  const notFound = { errorCode: 10062 };
  it('READ_RECEIPT_NOT_FOUND (10062) for a group message without a receipt, or in AVCHATROOM', async () => {
    for (const msgID of [ids.teamPlain, ids.live]) {
      await fails('READ_RECEIPT_NOT_FOUND', () => t.gql('alice', RECEIPTS, { msgIDs: [msgID] }), notFound);
      const readers = () => t.gql('alice', READ_MEMBERS, { msgID, filter: 'READ' });
      await fails('READ_RECEIPT_NOT_FOUND', readers, notFound);
    }
    // One such message spoils a batch with a good one.
    const mixed = () => t.gql('alice', RECEIPTS, { msgIDs: [ids.team, ids.teamPlain] });
    await fails('READ_RECEIPT_NOT_FOUND', mixed, notFound);
  });

  it('messageReceipts rejects unknown ids, mixed conversations and too many ids', async () => {
    await fails('NOT_FOUND', () => t.gql('alice', RECEIPTS, { msgIDs: ['999999'] }));
    await fails(BAD, () => t.gql('alice', RECEIPTS, { msgIDs: [ids.team, ids.c2c] }));
    await fails(BAD, () => t.gql('alice', RECEIPTS, { msgIDs: [] }));
    await fails(BAD, () => t.gql('alice', RECEIPTS, { msgIDs: Array.from({ length: 31 }, (_, i) => `${i + 1}`) }));
  });

  it('readMembers rejects a one-to-one message, bad page sizes and an unknown message', async () => {
    await fails(BAD, () => t.gql('alice', READ_MEMBERS, { msgID: ids.c2c, filter: 'READ' }));
    for (const first of [0, 101]) {
      await fails(BAD, () => t.gql('alice', READ_MEMBERS, { msgID: ids.team, filter: 'UNREAD', first }));
    }
    await fails('NOT_FOUND', () => t.gql('alice', READ_MEMBERS, { msgID: '999999', filter: 'READ' }));
  });

  it('readMembers rejects garbage cursors, cursors of another message and READ cursors for UNREAD', async () => {
    const readers = (msgID: string, filter: string, after: string) =>
      t.gql('alice', READ_MEMBERS, { msgID, filter, after });
    const forged = Buffer.from(JSON.stringify({ m: Number(ids.team), f: 'U' })).toString('base64url');
    for (const after of ['garbage', forged, Buffer.from('[1,2]').toString('base64url')]) {
      await fails(BAD, () => readers(ids.team, 'UNREAD', after));
    }
    await fails(BAD, () => readers(ids.teamOther, 'UNREAD', cursors.unreadOfTeam));
    await fails(BAD, () => readers(ids.team, 'READ', cursors.readOfOther));
    await fails(BAD, () => readers(ids.teamOther, 'UNREAD', cursors.readOfOther));
    // Control: the same cursors are fine where they belong.
    const unread = await t.ok('alice', READ_MEMBERS, {
      msgID: ids.team,
      filter: 'UNREAD',
      after: cursors.unreadOfTeam,
    });
    expect(unread.readMembers.edges.map((e: { node: { userID: string } }) => e.node.userID)).toEqual(['carol']);
  });
});

describe('sendMessage, createGroup, markConversationRead, membership', () => {
  it.each<[string, string, string, string]>([
    ['an unknown conversation prefix', 'XYZbob', 'hi', BAD],
    ["C2C + the caller's own id", 'C2Calice', 'hi', BAD],
    ['an unknown group', 'GROUPnope', 'hi', 'NOT_FOUND'],
    ['empty text', 'C2Cbob', '', BAD],
    ['text over 8 KB', 'C2Cbob', 'x'.repeat(8 * 1024 + 1), BAD],
    ['text over 8 KB in UTF-8 bytes', 'C2Cbob', 'é'.repeat(4097), BAD],
  ])('sendMessage rejects %s', async (_name, conversationID, text, code) => {
    await fails(code, () => t.gql('alice', SEND, { conversationID, text, needReadReceipt: true }));
  });

  it('createGroup rejects a groupID that is taken, and leaves the group as it was', async () => {
    const hijack = { groupID: 'team', name: 'Mine now', type: 'PUBLIC', memberIDs: ['dave'] };
    await fails(BAD, () => t.gql('carol', CREATE_GROUP, hijack));
    expect(await t.db.group.findUnique({ where: { id: 'team' } })).toMatchObject({ name: 'Team', type: 'WORK' });
  });

  it('markConversationRead and membership changes reject bad or unknown conversations', async () => {
    await fails('NOT_FOUND', () => t.gql('bob', MARK_CONVERSATION_READ, { conversationID: 'GROUPnope' }));
    await fails(BAD, () => t.gql('alice', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' }));
    await fails(BAD, () => t.gql('alice', MARK_CONVERSATION_READ, { conversationID: 'XYZbob' }));
    await fails('NOT_FOUND', () => t.gql('alice', ADD_MEMBERS, { groupID: 'nope', userIDs: ['bob'] }));
    await fails('NOT_FOUND', () => t.gql('alice', REMOVE_MEMBERS, { groupID: 'nope', userIDs: ['bob'] }));
  });
});

describe('authentication', () => {
  const withHeader = async (authorization: string, query: string, variables: Record<string, unknown>) => {
    const headers = { 'content-type': 'application/json', authorization };
    const body = JSON.stringify({ query, variables });
    const response = await t.app.yoga.fetch('http://test/graphql', { method: 'POST', headers, body });
    return (await response.json()) as GqlResult;
  };

  it('UNAUTHENTICATED over HTTP with no token', async () => {
    await fails('UNAUTHENTICATED', () => t.gql(null, '{ me { userID } }'));
    await fails('UNAUTHENTICATED', () => t.gql(null, MARK_READ, { msgIDs: [ids.team] }));
  });

  it('UNAUTHENTICATED over HTTP with a bad, foreign or expired token, and no user is created', async () => {
    const headers = [
      'Bearer garbage',
      `Basic ${Buffer.from('bob:pw').toString('base64')}`,
      `Bearer ${await signToken('another-secret-0123456789abcdef0123', 'mallory')}`,
      `Bearer ${await signToken('another-secret-0123456789abcdef0123', 'bob')}`,
      `Bearer ${await t.token('erin', -10)}`,
      `Bearer ${await t.token('not a valid userID')}`,
      `Bearer ${await t.token('bob', Math.floor(Date.now() / 1000) - 60)}`,
    ];
    for (const header of headers) {
      await fails('UNAUTHENTICATED', () => withHeader(header, MARK_READ, { msgIDs: [ids.team] }));
    }
  });

  it('a bad or expired token in connectionParams closes the socket', async () => {
    for (const authorization of ['Bearer garbage', `Bearer ${await t.token('bob', -10)}`]) {
      const live = subscribe(await t.wsClient(null, { authorization }), RECEIPT_UPDATED, {});
      await expect(live.next(1)).rejects.toThrow();
      expect(live.events).toEqual([]);
      expect((live.error as { code?: number }).code).toBe(4403);
    }
  });

  it('no token over graphql-ws gives UNAUTHENTICATED on subscribe', async () => {
    const live = subscribe(await t.wsClient(null), RECEIPT_UPDATED, {});
    const [result] = await live.next(1);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(result.data ?? null).toBeNull();
  });
});

describe('control', () => {
  it('the snapshot sees successful writes, so the checks above can fail', async () => {
    const before = await snapshot();
    await t.ok('bob', MARK_READ, { msgIDs: [ids.team] });
    const afterRead = await snapshot();
    expect(afterRead).not.toEqual(before);
    expect(afterRead[5].filter((r) => r.messageId === Number(ids.team)).map((r) => r.userId)).toEqual(['bob']);
    await send('alice', 'C2Cbob', 'x'.repeat(8 * 1024)); // exactly 8 KB is allowed
    expect(await snapshot()).not.toEqual(afterRead);
  });
});
