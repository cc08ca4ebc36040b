// sendMessage's clientMsgID: a sender who repeats one gets the original message back and
// nothing is sent twice, in sequence or concurrently, on SQLite and PostgreSQL. Another sender
// with the same key, and sends without one, are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CREATE_GROUP } from '../helpers/operations.ts';

const SEND_WITH_KEY = `mutation($conversationID: String!, $text: String!, $clientMsgID: String) {
  sendMessage(conversationID: $conversationID, text: $text, clientMsgID: $clientMsgID) { msgID text }
}`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.ok('alice', CREATE_GROUP, { groupID: 'k', name: 'K', type: 'WORK', memberIDs: ['bob'] });
});
afterAll(() => t.stop());

const send = (userID: string, clientMsgID?: string, text = 'hello') =>
  t.gql(userID, SEND_WITH_KEY, { conversationID: 'GROUPk', text, clientMsgID });
const rows = (where: Record<string, unknown>) => t.db.message.count({ where });

describe('clientMsgID', () => {
  it('sends without a key are all sent (control)', async () => {
    const [a, b] = [await send('alice'), await send('alice')];
    expect(a.data?.sendMessage.msgID).not.toBe(b.data?.sendMessage.msgID);
  });

  it('a sequential repeat returns the original message and writes nothing', async () => {
    const first = await send('alice', 'retry-1', 'once');
    const seqBefore = (await t.db.conversation.findUniqueOrThrow({ where: { id: 'GROUPk' } })).lastSeq;
    const again = await send('alice', 'retry-1', 'once');
    expect(again.errors).toBeUndefined();
    expect(again.data?.sendMessage).toEqual(first.data?.sendMessage);
    expect(await rows({ senderId: 'alice', clientMsgId: 'retry-1' })).toBe(1);
    expect((await t.db.conversation.findUniqueOrThrow({ where: { id: 'GROUPk' } })).lastSeq).toBe(seqBefore);
  });

  it('concurrent repeats return one message', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => send('alice', 'burst-1', 'burst')));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(new Set(results.map((r) => r.data?.sendMessage.msgID)).size).toBe(1);
    expect(await rows({ senderId: 'alice', clientMsgId: 'burst-1' })).toBe(1);
    expect(await rows({ text: 'burst' })).toBe(1);
  });

  it('another sender with the same key gets a message of their own', async () => {
    const alice = await send('alice', 'shared-key');
    const bob = await send('bob', 'shared-key');
    expect(bob.errors).toBeUndefined();
    expect(bob.data?.sendMessage.msgID).not.toBe(alice.data?.sendMessage.msgID);
    expect(await rows({ clientMsgId: 'shared-key' })).toBe(2);
  });

  it.each(['', 'x'.repeat(65), 'has space', 'semi;colon', 'ünïcode', 'new\nline'])(
    'refuses the key %j with BAD_USER_INPUT and sends nothing',
    async (key) => {
      const before = await rows({});
      const result = await send('alice', key);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await rows({})).toBe(before);
    },
  );
});
