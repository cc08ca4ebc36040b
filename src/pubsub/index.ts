// Typed topics. In one process events stay in memory; with REDIS_URL they cross instances
// through Redis, behind the same createPubSub.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { eventsPublished } from '../metrics.ts';
import type { ReceiptView } from '../resolvers/receipt-view.ts';

export type PubSubEvents = {
  /** Receipts for messages that `senderID` sent, already in the sender's view. */
  'receipts:sender': [senderID: string, receipt: ReceiptView];
};

export type PubSub = ReturnType<typeof createPubSub<PubSubEvents>>;

/** `redis` is the command connection, shared with other Redis users (rate limits). */
export type PubSubHandle = { pubsub: PubSub; redis?: Redis; close(): Promise<void>; ping(): Promise<boolean> };

export function createAppPubSub(redisUrl?: string): PubSubHandle {
  if (!redisUrl) {
    return { pubsub: counted(createPubSub<PubSubEvents>()), close: async () => {}, ping: async () => true };
  }
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: counted(createPubSub<PubSubEvents>({ eventTarget })),
    redis: publishClient,
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
    async ping() {
      return (await publishClient.ping().catch(() => 'down')) === 'PONG';
    },
  };
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
