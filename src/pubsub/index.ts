// Typed topics. In one process events stay in memory; with REDIS_URL they cross instances
// through Redis, behind the same createPubSub.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
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

export type PubSub = ReturnType<typeof createPubSub<PubSubEvents>>;

/** `redis` is the command connection, shared with other Redis users (rate limits). */
export type PubSubHandle = { pubsub: PubSub; redis?: Redis; close(): Promise<void>; ping(): Promise<boolean> };

export function createAppPubSub(redisUrl?: string): PubSubHandle {
  if (!redisUrl) {
    return { pubsub: createPubSub<PubSubEvents>(), close: async () => {}, ping: async () => true };
  }
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<PubSubEvents>({ eventTarget }),
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
