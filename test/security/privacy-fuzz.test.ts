// Random sequences of sends, reads, joins, leaves and privacy switches by several users, checked
// after every step against a model kept here, independently of the server's design.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_RATE_LIMITS, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  ADD_MEMBERS,
  CREATE_GROUP,
  MARK_READ,
  READ_MEMBERS,
  RECEIPTS,
  REMOVE_MEMBERS,
  SEND,
  SET_RECEIPTS,
} from '../helpers/operations.ts';

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const OWNER = 'u0';

type Action =
  | { kind: 'send'; user: number; receipt: boolean }
  | { kind: 'read'; user: number; picks: number[] }
  | { kind: 'join'; user: number }
  | { kind: 'leave'; user: number }
  | { kind: 'privacy'; user: number; enabled: boolean };

const user = fc.integer({ min: 0, max: USERS.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), user, receipt: fc.boolean() }),
  fc.record({ kind: fc.constant('read' as const), user, picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('join' as const), user }),
  fc.record({ kind: fc.constant('leave' as const), user }),
  fc.record({ kind: fc.constant('privacy' as const), user, enabled: fc.boolean() }),
);

type ModelMessage = { msgID: string; sender: string; receipt: boolean; audience: Set<string>; readers: Set<string> };

class Model {
  members = new Set<string>([OWNER, 'u1', 'u2']);
  receiptsOn = new Map(USERS.map((u) => [u, true]));
  messages: ModelMessage[] = [];
}

type Mode = 'ONE_WAY' | 'RECIPROCAL';
let t: TestApp;
let mode: Mode;
let run = 0;

async function apply(groupID: string, model: Model, a: Action) {
  const u = USERS[a.user];
  const member = model.members.has(u);
  if (a.kind === 'send') {
    const result = await t.gql(u, SEND, { conversationID: `GROUP${groupID}`, text: 'm', needReadReceipt: a.receipt });
    if (!member) return expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const audience = new Set([...model.members].filter((m) => m !== u));
    model.messages.push({
      msgID: result.data?.sendMessage.msgID,
      sender: u,
      receipt: a.receipt,
      audience,
      readers: new Set(),
    });
  } else if (a.kind === 'read') {
    const candidates = model.messages.filter((m) => m.receipt && m.sender !== u);
    if (candidates.length === 0) return;
    const picked = [...new Set(a.picks.map((i) => candidates[i % candidates.length]))];
    const result = await t.gql(u, MARK_READ, { msgIDs: picked.map((m) => m.msgID) });
    if (!member) return expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.errors).toBeUndefined();
    for (const m of picked) if (m.audience.has(u) && model.receiptsOn.get(u)) m.readers.add(u);
  } else if (a.kind === 'join') {
    if (!member) await t.ok(OWNER, ADD_MEMBERS, { groupID, userIDs: [u] });
    model.members.add(u);
  } else if (a.kind === 'leave') {
    if (u === OWNER || !member) return;
    await t.ok(u, REMOVE_MEMBERS, { groupID, userIDs: [u] });
    model.members.delete(u);
    for (const m of model.messages) {
      m.audience.delete(u);
      m.readers.delete(u);
    }
  } else {
    await t.ok(u, SET_RECEIPTS, { enabled: a.enabled });
    model.receiptsOn.set(u, a.enabled);
  }
}

const HISTORY_RECEIPTS = `query($conversationID: String!) {
  messages(conversationID: $conversationID, first: 100) { edges { node { msgID receipt { readCount } } } }
}`;

/** RECIPROCAL: while the sender's own receipts are off, every receipt read of theirs is withheld. */
async function checkWithheld(groupID: string, m: ModelMessage) {
  const withheld = { code: 'FORBIDDEN', reason: 'READ_RECEIPTS_OFF' };
  expect((await t.gql(m.sender, RECEIPTS, { msgIDs: [m.msgID] })).errors?.[0]?.extensions).toEqual(withheld);
  for (const filter of ['READ', 'UNREAD']) {
    const page = await t.gql(m.sender, READ_MEMBERS, { msgID: m.msgID, filter });
    expect(page.errors?.[0]?.extensions).toEqual(withheld);
  }
  const history = await t.gql(m.sender, HISTORY_RECEIPTS, { conversationID: `GROUP${groupID}` });
  if (history.errors) return; // the sender left the group: no history either
  const node = history.data?.messages.edges.find((e: { node: { msgID: string } }) => e.node.msgID === m.msgID)?.node;
  expect(node?.receipt).toBeNull();
}

async function checkInvariants(groupID: string, model: Model) {
  for (const m of model.messages.filter((msg) => msg.receipt)) {
    if (mode === 'RECIPROCAL' && !model.receiptsOn.get(m.sender)) {
      await checkWithheld(groupID, m);
      continue;
    }
    const [receipt] = (await t.ok(m.sender, RECEIPTS, { msgIDs: [m.msgID] })).messageReceipts;
    expect({ read: receipt.readCount, unread: receipt.unreadCount }).toEqual({
      read: m.readers.size,
      unread: m.audience.size - m.readers.size,
    });
    const list = async (filter: string) =>
      (await t.ok(m.sender, READ_MEMBERS, { msgID: m.msgID, filter, first: 100 })).readMembers.edges
        .map((e: { node: { userID: string } }) => e.node.userID)
        .sort();
    expect(await list('READ')).toEqual([...m.readers].sort());
    expect(await list('UNREAD')).toEqual([...m.audience].filter((x) => !m.readers.has(x)).sort());
    // Nobody else sees this sender's figures or readers.
    const other = USERS.find((x) => x !== m.sender)!;
    expect((await t.gql(other, RECEIPTS, { msgIDs: [m.msgID] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(other, READ_MEMBERS, { msgID: m.msgID, filter: 'READ' })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  }
}

// ONE_WAY (the default): receipts off hides only the user's own reads. RECIPROCAL: it also
// hides, while off, everything about who read the user's own messages (and only that).
describe.each(['ONE_WAY', 'RECIPROCAL'] as const)('privacy and counting invariants under random use, %s', (m) => {
  beforeAll(async () => {
    mode = m;
    t = await startTestApp({ ...NO_RATE_LIMITS, READ_RECEIPT_PRIVACY: m });
  });
  afterAll(() => t.stop());

  it('hold after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 18 }), async (actions) => {
        const groupID = `fuzz${run++}`;
        for (const u of USERS) await t.ok(u, SET_RECEIPTS, { enabled: true });
        await t.ok(OWNER, CREATE_GROUP, { groupID, name: 'Fuzz', type: 'WORK', memberIDs: ['u1', 'u2'] });
        const model = new Model();
        for (const a of actions) {
          await apply(groupID, model, a);
          await checkInvariants(groupID, model);
        }
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
