// Rate limits count what will execute: fragments, aliases, @skip/@include and the transport
// cannot multiply a request. Every mutation has a limit. Each attack sits beside an honest
// request that stays under the limit and succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_RATE_LIMITS } from '../../src/config.ts';
import { schema } from '../../src/schema/index.ts';
import { type GqlResult, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  ADD_MEMBERS,
  CREATE_GROUP,
  MARK_CONVERSATION_READ,
  MARK_READ,
  REMOVE_MEMBERS,
  SEND,
  SET_RECEIPTS,
} from '../helpers/operations.ts';

const SEND_LIMIT = 5;
const OTHER_LIMIT = 3;
let t: TestApp;
beforeAll(async () => {
  const env: Record<string, string> = {};
  for (const { setting } of Object.values(MUTATION_RATE_LIMITS)) env[setting] = String(OTHER_LIMIT);
  t = await startTestApp({ ...env, RATE_LIMIT_SEND_MESSAGE_PER_MINUTE: String(SEND_LIMIT) });
});
afterAll(() => t.stop());

const sendCall = (alias: string) => `${alias}: sendMessage(conversationID: "C2Cbob", text: "spam") { msgID }`;
const fifteen = Array.from({ length: 15 }, (_, i) => sendCall(`a${i}`)).join(' ');

async function post(userID: string, query: string, variables?: Record<string, unknown>) {
  const response = await t.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(userID)}` },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as GqlResult };
}

const sentBy = (userID: string) => t.db.message.count({ where: { senderId: userID } });

/** Honest sends up to `count`, each one succeeding: the control beside every attack. */
async function honestSends(userID: string, count: number) {
  for (let i = 0; i < count; i++) {
    const { response, body } = await post(userID, SEND, { conversationID: 'C2Cbob', text: `honest ${i}` });
    expect(body.errors).toBeUndefined();
    expect(response.status).toBe(200);
  }
}

describe('fragments and aliases cannot multiply a request', () => {
  it('refuses 15 sends in an inline fragment, with 429 and Retry-After, and writes nothing', async () => {
    await honestSends('alice', 2);
    for (let i = 0; i < 20; i++) {
      const { response, body } = await post('alice', `mutation { ... on Mutation { ${fifteen} } }`);
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
      expect(body.errors?.[0]?.extensions?.http).toBeUndefined();
    }
    expect(await sentBy('alice')).toBe(2);
  });

  it('refuses the same through a named fragment, nested in another', async () => {
    await honestSends('dave', 2);
    const query = `mutation { ...Outer } fragment Outer on Mutation { ...Spam } fragment Spam on Mutation { ${fifteen} }`;
    for (let i = 0; i < 5; i++) {
      const { response, body } = await post('dave', query);
      expect(response.status).toBe(429);
      expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    }
    expect(await sentBy('dave')).toBe(2);
  });

  it('counts only the calls @skip/@include let through, with the request variables', async () => {
    const skipped = Array.from(
      { length: 14 },
      (_, i) => `s${i}: sendMessage(conversationID: "C2Cbob", text: "x") @skip(if: $skip) { msgID }`,
    );
    const query = `mutation($skip: Boolean!) { ... on Mutation { kept: sendMessage(conversationID: "C2Cbob", text: "y") { msgID } ${skipped.join(' ')} } }`;
    // 15 fields in the document, one executes: under the limit of 5, so it runs.
    const honest = await post('erin', query, { skip: true });
    expect(honest.body.errors).toBeUndefined();
    expect(await sentBy('erin')).toBe(1);
    // The same document with all 15 executing is over the limit.
    const hostile = await post('erin', query, { skip: false });
    expect(hostile.response.status).toBe(429);
    expect(await sentBy('erin')).toBe(1);
  });

  it('refuses the fragment attack over graphql-ws with retryAfter, and writes nothing', async () => {
    const client = await t.wsClient('frank');
    const run = (query: string) =>
      new Promise<GqlResult>((resolve, reject) => {
        let result: GqlResult = {};
        client.subscribe(
          { query },
          { next: (r) => (result = r as GqlResult), error: reject, complete: () => resolve(result) },
        );
      });
    const honest = await run(`mutation { ${sendCall('one')} }`);
    expect(honest.errors).toBeUndefined();
    for (let i = 0; i < 5; i++) {
      const refused = await run(`mutation { ... on Mutation { ${fifteen} } }`);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
      expect(refused.errors?.[0]?.extensions?.http).toBeUndefined();
    }
    expect(await sentBy('frank')).toBe(1);
  });
});

describe('every mutation has a limit', () => {
  it('names a limit for every Mutation field of the schema', () => {
    const fields = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(fields.filter((f) => !(f in MUTATION_RATE_LIMITS))).toEqual([]);
  });

  // Each: an honest call (made OTHER_LIMIT times, all succeed), then one more that is refused,
  // and how much that mutation has written.
  const cases: [string, (i: number) => Promise<unknown>, () => Promise<unknown>][] = [
    [
      'createGroup',
      (i) => post('gina', CREATE_GROUP, { groupID: `g${i}`, name: 'G', type: 'WORK', memberIDs: [`m${i}`] }),
      () => t.db.group.count({ where: { ownerId: 'gina' } }),
    ],
    [
      'addGroupMembers',
      (i) => post('hank', ADD_MEMBERS, { groupID: 'hank-group', userIDs: [`add${i}`] }),
      () => t.db.participant.count({ where: { conversationId: 'GROUPhank-group' } }),
    ],
    [
      'removeGroupMembers',
      (i) => post('hank', REMOVE_MEMBERS, { groupID: 'hank-group', userIDs: [`add${i}`] }),
      () => t.db.participant.count({ where: { conversationId: 'GROUPhank-group' } }),
    ],
    [
      'markConversationRead',
      () => post('ivan', MARK_CONVERSATION_READ, { conversationID: 'C2Cjudy' }),
      () => t.db.participant.count({ where: { userId: 'ivan' } }),
    ],
    [
      'setReadReceiptsEnabled',
      (i) => post('kate', SET_RECEIPTS, { enabled: i % 2 === 1 }),
      async () => (await t.db.user.findUnique({ where: { id: 'kate' } }))?.readReceiptsEnabled,
    ],
    [
      'markRead',
      (i) => post('judy', MARK_READ, { msgIDs: [String(judyMessages[i])] }),
      () => t.db.receipt.count({ where: { userId: 'judy' } }),
    ],
  ];
  const judyMessages: number[] = [];

  beforeAll(async () => {
    await t.ok('hank', CREATE_GROUP, { groupID: 'hank-group', name: 'H', type: 'WORK', memberIDs: [] });
    for (let i = 0; i <= OTHER_LIMIT; i++) {
      const { sendMessage } = await t.ok('ivan', SEND, { conversationID: 'C2Cjudy', text: 'r', needReadReceipt: true });
      judyMessages.push(Number(sendMessage.msgID));
    }
  });

  it.each(cases)(
    '%s: honest calls up to the limit succeed, the next is refused and writes nothing',
    async (field, call, written) => {
      for (let i = 0; i < OTHER_LIMIT; i++) {
        const { body } = (await call(i)) as Awaited<ReturnType<typeof post>>;
        expect(body.errors, `${field} call ${i}`).toBeUndefined();
      }
      const before = await written();
      const { response, body } = (await call(OTHER_LIMIT)) as Awaited<ReturnType<typeof post>>;
      expect(response.status).toBe(429);
      expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(body.errors?.[0]?.message).toContain(field);
      expect(await written()).toEqual(before);
    },
  );
});
