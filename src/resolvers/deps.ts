import type { AppConfig, GroupType } from '../config.ts';
import type { Db, Provider } from '../db/client.ts';
import type { ReadTransaction } from '../db/read-store/types.ts';
import type { PubSub } from '../pubsub/index.ts';

/** What every service is built from: one set per server. */
export type ServiceDeps = {
  db: Db;
  provider: Provider;
  config: AppConfig;
  pubsub: PubSub;
  /** markRead's batches run in this (Prisma on PostgreSQL, prepared statements on SQLite). */
  readTransaction: ReadTransaction;
};

export function groupHasReceipts(config: AppConfig, type: string): boolean {
  return config.receiptGroupTypes.has(type as GroupType);
}
