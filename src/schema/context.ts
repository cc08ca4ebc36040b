import type { AppConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { PubSub } from '../pubsub/index.ts';
import type { Services } from '../resolvers/index.ts';

export type Viewer = { userID: string; expiresAt?: number };

/** What every resolver gets. `viewer` is null for a request without a token. */
export type Context = {
  viewer: Viewer | null;
  services: Services;
  db: Db;
  pubsub: PubSub;
  config: AppConfig;
};

export type SignedInContext = Context & { viewer: Viewer };
