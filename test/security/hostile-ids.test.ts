// Every id and cursor argument, swept with hostile values: each gets BAD_USER_INPUT (node: null
// or BAD_USER_INPUT), never "Unexpected error.", and logs at most one line, on SQLite and on
// PostgreSQL (where an id past int4 used to fail the statement and the whole markRead batch).
// Beside each sweep, the same argument with an honest value works.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_INT_COLUMN } from '../../src/resolvers/ids.ts';
import { type GqlResult, NO_RATE_LIMITS, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  ADD_MEMBERS,
  CONVERSATIONS,
  CREATE_GROUP,
  MARK_CONVERSATION_READ,
  MARK_READ,
  MESSAGES,
  READ_MEMBERS,
  RECEIPTS,
  REMOVE_MEMBERS,
  SEND,
} from '../helpers/operations.ts';

let t: TestApp;
let groupMsg: string;
let c2cMsg: string;
beforeAll(async () => {
  // Limits out of the way: the sweep makes many calls, and each counts before validation.
  t = await startTestApp(NO_RATE_LIMITS);
  await t.ok('alice', CREATE_GROUP, { groupID: 'g', name: 'G', type: 'WORK', memberIDs: ['bob', 'carol'] });
  const group = await t.ok('alice', SEND, { conversationID: 'GROUPg', text: 'hi', needReadReceipt: true });
  groupMsg = group.sendMessage.msgID;
  const c2c = await t.ok('alice', SEND, { conversationID: 'C2Cbob', text: 'hi', needReadReceipt: true });
  c2cMsg = c2c.sendMessage.msgID;
  await t.ok('bob', MARK_READ, { msgIDs: [groupMsg] });
});
afterAll(() => t.stop());

// Log lines written while a request runs (Yoga and Prisma log through the console).
let logLines = 0;
beforeEach(() => {
  logLines = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation(() => {
      logLines++;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const HOSTILE_MSG_IDS = [
  'abc',
  String(MAX_INT_COLUMN + 1),
  '2147483648',
  '99999999999999999999',
  '-1',
  '0',
  '1e309',
  '1e3',
  '1.5',
  '007',
  ' 1',
  '0x10',
  'Infinity',
  'NaN',
];
const NODE = `query($id: ID!) { node(id: $id) { id ... on Message { msgID } } }`;
const NODE_IDS = [
  ...HOSTILE_MSG_IDS.map((v) => b64(`Message:${v}`)),
  '!!!not base64!!!',
  b64('Message'),
  b64(':1'),
  b64('NoSuchType:1'),
  b64('Query:1'),
  b64('MessageReceipt:1'),
  b64('__proto__:1'),
  'TWVzc2FnZTox'.repeat(40),
  '',
];

function expectBadInput(result: GqlResult, label: string) {
  expect(result.errors?.[0]?.extensions?.code, `${label}: ${JSON.stringify(result.errors)}`).toBe('BAD_USER_INPUT');
  expect(logLines, label).toBeLessThanOrEqual(1);
}

describe('message ids', () => {
  it('honest ids work at every entry point', async () => {
    expect((await t.gql('carol', MARK_READ, { msgIDs: [groupMsg] })).errors).toBeUndefined();
    expect((await t.gql('alice', RECEIPTS, { msgIDs: [c2cMsg] })).errors).toBeUndefined();
    const members = await t.gql('alice', READ_MEMBERS, { msgID: groupMsg, filter: 'READ' });
    expect(members.data?.readMembers.edges.length).toBeGreaterThan(0);
    const node = await t.gql('alice', NODE, { id: b64(`Message:${groupMsg}`) });
    expect(node.data?.node).toMatchObject({ msgID: groupMsg });
    expect(logLines).toBe(0);
  });

  it.each(HOSTILE_MSG_IDS)('%j is BAD_USER_INPUT for markRead, messageReceipts and readMembers', async (id) => {
    expectBadInput(await t.gql('bob', MARK_READ, { msgIDs: [id] }), 'markRead');
    expectBadInput(await t.gql('alice', RECEIPTS, { msgIDs: [id] }), 'messageReceipts');
    expectBadInput(await t.gql('alice', READ_MEMBERS, { msgID: id, filter: 'READ' }), 'readMembers');
  });

  it('the largest id a column holds is NOT_FOUND (in range, absent), not a server error', async () => {
    const id = String(MAX_INT_COLUMN);
    expect((await t.gql('bob', MARK_READ, { msgIDs: [id] })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql('alice', RECEIPTS, { msgIDs: [id] })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql('alice', NODE, { id: b64(`Message:${id}`) })).data?.node).toBeNull();
  });

  it.each(NODE_IDS)('node(%j) is null or BAD_USER_INPUT', async (id) => {
    const result = await t.gql('alice', NODE, { id });
    expect(result.data?.node ?? null).toBeNull();
    for (const error of result.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(logLines).toBeLessThanOrEqual(1);
  });
});

describe('conversation, group and user ids', () => {
  const HOSTILE_CONVERSATION_IDS = [
    '',
    'C2C',
    'GROUP',
    'C2C\u0000bob',
    'GROUPg\u0000',
    `GROUP${'g'.repeat(100)}`,
    'DMbob',
    'C2Calice',
    'C2C../bob',
    'C2Cbob\ud800',
  ];
  const HOSTILE_USER_IDS = ['', 'a\u0000b', 'x'.repeat(65), 'a:b', ' ', 'bob\ud800'];

  it('honest ids work (control)', async () => {
    expect((await t.gql('alice', MARK_CONVERSATION_READ, { conversationID: 'GROUPg' })).errors).toBeUndefined();
    expect((await t.gql('alice', ADD_MEMBERS, { groupID: 'g', userIDs: ['dan'] })).errors).toBeUndefined();
    expect((await t.gql('alice', REMOVE_MEMBERS, { groupID: 'g', userIDs: ['dan'] })).errors).toBeUndefined();
    expect(logLines).toBe(0);
  });

  it.each(HOSTILE_CONVERSATION_IDS)('conversationID %j is BAD_USER_INPUT everywhere', async (conversationID) => {
    expectBadInput(await t.gql('alice', SEND, { conversationID, text: 'x' }), 'sendMessage');
    expectBadInput(await t.gql('alice', MARK_CONVERSATION_READ, { conversationID }), 'markConversationRead');
    expectBadInput(await t.gql('alice', MESSAGES, { conversationID }), 'messages');
  });

  it.each(HOSTILE_USER_IDS)('groupID or userID %j is BAD_USER_INPUT everywhere', async (id) => {
    expectBadInput(
      await t.gql('alice', CREATE_GROUP, { groupID: id, name: 'n', type: 'WORK', memberIDs: [] }),
      'createGroup groupID',
    );
    expectBadInput(
      await t.gql('alice', CREATE_GROUP, { name: 'n', type: 'WORK', memberIDs: [id] }),
      'createGroup memberIDs',
    );
    expectBadInput(await t.gql('alice', ADD_MEMBERS, { groupID: id, userIDs: ['dan'] }), 'addGroupMembers groupID');
    expectBadInput(await t.gql('alice', ADD_MEMBERS, { groupID: 'g', userIDs: [id] }), 'addGroupMembers userIDs');
    expectBadInput(await t.gql('alice', REMOVE_MEMBERS, { groupID: 'g', userIDs: [id] }), 'removeGroupMembers userIDs');
  });
});

describe('cursors', () => {
  it('honest cursors page', async () => {
    const page = await t.gql('alice', CONVERSATIONS, { first: 1 });
    const next = await t.gql('alice', CONVERSATIONS, { first: 1, after: page.data?.conversations.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    expect(next.data?.conversations.edges).toHaveLength(1);
    const older = await t.gql('alice', MESSAGES, { conversationID: 'GROUPg', after: '2' });
    expect(older.data?.messages.edges).toHaveLength(1);
    const read = await t.gql('alice', READ_MEMBERS, { msgID: groupMsg, filter: 'READ', first: 1 });
    const after = read.data?.readMembers.pageInfo.endCursor;
    expect((await t.gql('alice', READ_MEMBERS, { msgID: groupMsg, filter: 'READ', after })).errors).toBeUndefined();
    expect(logLines).toBe(0);
  });

  const conversationCursors = [
    'garbage',
    '!!!',
    b64url([1e20, 'GROUPg']),
    b64url([8.64e15 + 1, 'GROUPg']),
    b64url([-1e15, 'GROUPg']),
    b64url([253402300800001, 'GROUPg']),
    b64url(['2020-01-01', 'GROUPg']),
    b64url([1, 'x'.repeat(300)]),
    b64url({ at: 1 }),
    'x'.repeat(600),
  ];
  it.each(conversationCursors)('conversations(after: %j) is BAD_USER_INPUT', async (after) => {
    expectBadInput(await t.gql('alice', CONVERSATIONS, { after }), 'conversations');
  });

  it.each(['abc', '-1', '0', String(MAX_INT_COLUMN + 1), '1e309', '99999999999999999999'])(
    'messages(after: %j) is BAD_USER_INPUT',
    async (after) => {
      expectBadInput(await t.gql('alice', MESSAGES, { conversationID: 'GROUPg', after }), 'messages');
    },
  );

  const readCursors = (m: number) => [
    'garbage',
    b64url({ m, f: 'R', k: MAX_INT_COLUMN + 1 }),
    b64url({ m, f: 'R', k: -1 }),
    b64url({ m, f: 'R', k: 1.5 }),
    b64url({ m, f: 'R', k: 'x' }),
    b64url({ m: m + 1, f: 'R', k: 1 }),
    b64url({ m, f: 'U', k: 'bob' }),
    b64url(null),
  ];
  it('readMembers(after:) with hostile cursors is BAD_USER_INPUT', async () => {
    for (const after of readCursors(Number(groupMsg))) {
      expectBadInput(await t.gql('alice', READ_MEMBERS, { msgID: groupMsg, filter: 'READ', after }), after);
    }
  });
});

/** `count` messages from alice to group g that need a receipt, by msgID. */
async function groupMessages(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { sendMessage } = await t.ok('alice', SEND, {
      conversationID: 'GROUPg',
      text: `m${i}`,
      needReadReceipt: true,
    });
    ids.push(sendMessage.msgID);
  }
  return ids;
}

describe('a markRead batch is immune to any one call', () => {
  it('over HTTP: 20 honest calls and the overflow ids of the issue, at once', async () => {
    const messages = await groupMessages(20);
    const hostile = Array.from({ length: 3 }, () => t.gql('eve', MARK_READ, { msgIDs: ['2147483648'] }));
    const honest = messages.map((id) => t.gql('carol', MARK_READ, { msgIDs: [id] }));
    const results = await Promise.all([...honest, ...hostile]);
    expect(results.slice(0, 20).flatMap((r) => r.errors ?? [])).toEqual([]);
    for (const r of results.slice(20)) expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('honest calls all succeed while hostile calls share their batch', async () => {
    const messages = (await groupMessages(20)).map(Number);
    const receipts = t.app.services.receipts;
    // Straight to the service, past the schema's checks, all in one tick: one batch. The NUL
    // byte is refused by PostgreSQL (invalid UTF-8) inside the transaction, failing it.
    const hostile = [
      receipts.markRead('eve', [MAX_INT_COLUMN + 1]),
      receipts.markRead('eve', [Number.MAX_SAFE_INTEGER]),
      receipts.markRead('eve', [Number.NaN]),
      receipts.markRead('ev\u0000e', [messages[0]]),
    ];
    const honest = messages.map((id) => receipts.markRead('bob', [id]));
    const settled = await Promise.allSettled([...honest, ...hostile]);
    const failedHonest = settled.slice(0, honest.length).filter((s) => s.status === 'rejected');
    expect(failedHonest).toEqual([]);
    expect(settled.slice(honest.length).every((s) => s.status === 'rejected')).toBe(true);
    expect(await t.db.receipt.count({ where: { userId: 'bob', messageId: { in: messages } } })).toBe(20);
  });
});
