// Faults in the middle of load: the database refuses connections for a few seconds, and Redis
// restarts under live subscribers. The server must fail clearly, recover alone, and leave no
// half-written change.
import { afterAll, describe, expect, it } from 'vitest';
import { NO_RATE_LIMITS, settle, startTestApp, subscribe } from '../helpers/app.ts';
import { adminQuery } from '../helpers/databases.ts';
import { auditDatabase, runLoad, setupLoadGroup } from '../helpers/load.ts';
import { CREATE_GROUP, MARK_READ, RECEIPT_UPDATED, SEND } from '../helpers/operations.ts';
import { startRedis } from '../setup/servers.ts';

const unlimited = NO_RATE_LIMITS;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('database outage during load', () => {
  it('fails with SERVICE_UNAVAILABLE, recovers by itself, and writes nothing by halves', async () => {
    const t = await startTestApp(unlimited);
    cleanups.push(() => t.stop());
    const url = await t.app.start(0);
    const dbName = new URL(t.databaseUrl).pathname.slice(1);
    const members = await setupLoadGroup(t, 'outage', 20);

    const load = runLoad(url, t, 'outage', members, { users: 20, workers: 12, seconds: 12, maxRequests: 20_000 });
    await settle(3_000);
    await adminQuery(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}'`);
    await settle(3_000);
    await adminQuery(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    const outcome = await load;

    console.log('outage figures', {
      sent: outcome.sent,
      succeeded: outcome.succeeded,
      failed: outcome.failed,
      codes: outcome.errorCodes,
    });
    expect(outcome.failed).toBeGreaterThan(0);
    expect(Object.keys(outcome.errorCodes)).toEqual(['SERVICE_UNAVAILABLE']);

    // Recovered on its own: a fresh request succeeds.
    const after = await t.gql(members[1], SEND, {
      conversationID: 'GROUPoutage',
      text: 'after',
      needReadReceipt: true,
    });
    expect(after.errors).toBeUndefined();

    const audit = await auditDatabase(t, 'outage', outcome);
    expect(audit).toMatchObject({ missingMessages: 0, missingReads: 0, countersOff: 0, seqGaps: 0 });
  }, 90_000);
});

describe('Redis restart under live subscribers', () => {
  it('keeps delivering events across instances once Redis is back', async () => {
    const redis = await startRedis();
    cleanups.push(redis.stop);
    const a = await startTestApp({ ...unlimited, REDIS_URL: redis.url });
    const b = await startTestApp({ ...unlimited, REDIS_URL: redis.url, DATABASE_URL: a.databaseUrl });
    cleanups.push(
      () => b.stop(),
      () => a.stop(),
    );

    await a.ok('alice', CREATE_GROUP, { groupID: 'r', name: 'R', type: 'WORK', memberIDs: ['bob'] });
    const live = subscribe(await b.wsClient('alice'), RECEIPT_UPDATED);
    await settle(300);
    const sendAndRead = async () => {
      const { sendMessage } = await a.ok('alice', SEND, { conversationID: 'GROUPr', text: 'x', needReadReceipt: true });
      await a.ok('bob', MARK_READ, { msgIDs: [sendMessage.msgID] });
    };
    await sendAndRead();
    await live.next(1);

    redis.restart();
    // Events published while Redis is down are lost (pub/sub is at-most-once); once it is back
    // and ioredis has resubscribed, new events arrive again.
    const deadline = Date.now() + 15_000;
    const before = live.events.length;
    while (live.events.length === before && Date.now() < deadline) {
      await sendAndRead().catch(() => {});
      await settle(500);
    }
    expect(live.events.length).toBeGreaterThan(before);
    expect(live.events.at(-1)?.data?.receiptUpdated).toMatchObject({ groupID: 'r', readCount: 1, unreadCount: 0 });
  }, 60_000);
});
