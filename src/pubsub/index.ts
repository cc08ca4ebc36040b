// Typed topics. In one process events stay in memory; with REDIS_URL they cross instances
// through Redis, behind the same createPubSub (the Redis client is loaded only then).
import { createPubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { eventsPublished } from '../metrics.ts';
import type { ChatEvent } from '../resolvers/live-chats.ts';
import type { ReceiptView } from '../resolvers/receipt-view.ts';

export type PubSubEvents = {
  /** Receipts for messages that `senderID` sent, already in the sender's view. */
  'receipts:sender': [senderID: string, receipt: ReceiptView];
  /** Chat activity for one user: their one-to-one chats, their own reads, groups they joined. */
  'chats:user': [userID: string, event: ChatEvent];
  /** Chat activity in one group, published once however many members it has. */
  'chats:group': [conversationKey: string, event: ChatEvent];
};

/** A healthy Redis answers in well under a millisecond; past this, a request stops waiting for it. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

export type PubSub = ReturnType<typeof createPubSub<PubSubEvents>>;

/**
 * `redis` is the connection for commands a request waits on (rate limits, readiness): with
 * Redis down they fail at once, or after REDIS_COMMAND_TIMEOUT_MS, instead of queueing until it
 * is back, so a request answers and /ready says 503 at once.
 */
export type PubSubHandle = { pubsub: PubSub; redis?: Redis; close(): Promise<void>; ping(): Promise<boolean> };

export async function createAppPubSub(redisUrl?: string): Promise<PubSubHandle> {
  if (!redisUrl) {
    return { pubsub: counted(createPubSub<PubSubEvents>()), close: async () => {}, ping: async () => true };
  }
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([
    import('ioredis'),
    import('@graphql-yoga/redis-event-target'),
  ]);
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const commandClient = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  // Without a listener ioredis prints every failed reconnection (several a second); one line
  // per outage is enough, and /ready reports it meanwhile.
  let down = false;
  for (const client of [publishClient, subscribeClient, commandClient]) {
    client.on('error', (error: Error) => {
      if (!down) console.error(`[redis] unreachable, retrying: ${error.message}`);
      down = true;
    });
    client.on('ready', () => {
      down = false;
    });
  }
  let closing = false;
  const failed = (error: Error) => {
    if (!closing) console.error(`[redis] a publish or (un)subscribe failed: ${error.message}`);
  };
  const eventTarget = createRedisEventTarget({
    publishClient: settled(publishClient, failed),
    subscribeClient: settled(subscribeClient, failed),
  });
  return {
    pubsub: counted(createPubSub<PubSubEvents>({ eventTarget })),
    redis: commandClient,
    async close() {
      closing = true;
      publishClient.disconnect();
      subscribeClient.disconnect();
      commandClient.disconnect();
    },
    async ping() {
      if (subscribeClient.status !== 'ready') return false;
      return (await commandClient.ping().catch(() => 'down')) === 'PONG';
    },
  };
}

/**
 * The client as redis-event-target sees it, with the promises of publish, subscribe and
 * unsubscribe handled: it drops them, so a command that fails (queued while Redis is down, then
 * rejected with "Connection is closed." when the server shuts down) was an unhandled rejection,
 * which ends a process.
 */
function settled(client: Redis, failed: (error: Error) => void): Redis {
  const handled = new Set<PropertyKey>(['publish', 'subscribe', 'unsubscribe']);
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!handled.has(property)) return value.bind(target);
      return (...args: unknown[]) => (value.apply(target, args) as Promise<unknown>).catch(failed);
    },
  });
}

/** Counts each publish for /metrics (deliveries are counted where results reach clients). */
function counted(pubsub: PubSub): PubSub {
  const publish = pubsub.publish;
  pubsub.publish = (topic, ...args) => {
    eventsPublished.inc({ topic });
    publish(topic, ...args);
  };
  return pubsub;
}
