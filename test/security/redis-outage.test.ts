// Redis down: requests still answer at once (rate limits fall back to counting in memory), and
// /ready says 503 at once, instead of hanging until Redis is back and then committing late.
// Beside it, the same requests with Redis up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testProvider } from '../helpers/databases.ts';
import { CREATE_GROUP, MARK_READ, SEND } from '../helpers/operations.ts';
import { startRedis } from '../setup/servers.ts';

/**
 * The liveness bound of the issue ("a couple of seconds"), with room for a loaded CI machine.
 * Before the fix these requests gave no answer at all until Redis came back.
 */
const ANSWER_WITHIN_MS = 5_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} gave no answer within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// Redis runs in the postgresql project (its global setup has the servers); the outage itself
// does not depend on the database.
describe.runIf(testProvider === 'postgresql')('Redis outage', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    t = await startTestApp({ REDIS_URL: redis.url });
    await t.ok('alice', CREATE_GROUP, { groupID: 'r', name: 'R', type: 'WORK', memberIDs: ['bob'] });
  });
  afterAll(async () => {
    await t.stop();
    redis.stop();
  });

  const ready = async () => (await t.app.yoga.fetch('http://test/ready')).status;
  const send = (text: string) => t.gql('alice', SEND, { conversationID: 'GROUPr', text, needReadReceipt: true });

  it('answers and commits at once, and /ready says 503 at once, while Redis is down', async () => {
    // Control: Redis up.
    expect(await ready()).toBe(200);
    expect((await send('up')).errors).toBeUndefined();

    redis.stop();
    const started = Date.now();
    const sent = await within(send('down'), 'sendMessage');
    expect(sent.errors).toBeUndefined();
    // Committed now, not when Redis comes back.
    expect(await t.db.message.count({ where: { text: 'down' } })).toBe(1);
    const read = await within(t.gql('bob', MARK_READ, { msgIDs: [sent.data?.sendMessage.msgID] }), 'markRead');
    expect(read.errors).toBeUndefined();
    expect(await within(ready(), '/ready')).toBe(503);
    console.log(`with Redis down: sendMessage, markRead and /ready answered in ${Date.now() - started} ms together`);

    // Back: ready again, and sends go on.
    redis.restart(0);
    const deadline = Date.now() + 15_000;
    while ((await ready()) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await ready()).toBe(200);
    expect((await send('back')).errors).toBeUndefined();
  }, 60_000);

  it('shares limits between instances through Redis, and still limits (per instance) while it is down', async () => {
    const limit = { RATE_LIMIT_SEND_MESSAGE_PER_MINUTE: '3', REDIS_URL: redis.url };
    const a = await startTestApp({ ...limit, DATABASE_URL: t.databaseUrl });
    const b = await startTestApp({ ...limit, DATABASE_URL: t.databaseUrl });
    try {
      const sendVia = (app: TestApp) => app.gql('carol', SEND, { conversationID: 'C2Cdan', text: 'shared' });
      const code = (result: Awaited<ReturnType<typeof sendVia>>) => result.errors?.[0]?.extensions?.code;
      // 3 across two instances are allowed; the 4th, on either, is not.
      expect([code(await sendVia(a)), code(await sendVia(b)), code(await sendVia(a))]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(code(await sendVia(b))).toBe('RATE_LIMITED');

      redis.stop();
      // Down: each instance counts on its own, from zero, but still refuses past the limit.
      const down = [];
      for (let i = 0; i < 4; i++) down.push(code(await within(sendVia(a), 'sendMessage')));
      expect(down).toEqual([undefined, undefined, undefined, 'RATE_LIMITED']);
      expect(await t.db.message.count({ where: { senderId: 'carol' } })).toBe(6);
    } finally {
      redis.restart(0);
      await a.stop();
      await b.stop();
    }
  }, 60_000);
});
