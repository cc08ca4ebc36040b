// The comparison server: a bare graphql-yoga with graphql-ws, in the benchmark's process (same
// Node, same machine), with no database, auth, plugins or limits. `{ me { id } }` answers a
// constant, and so does markRead (W1's ceiling: GraphQL over yoga.fetch with no work behind it);
// receiptUpdated delivers whatever the benchmark publishes for a socket's user, taken as-is from
// its connectionParams.authorization (not verified: there is nothing to protect).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

import type { SeedInfo } from './seed-plan.ts';

type Context = { user?: string };

/** What the service delivers to a sender for a message of the big group with readCount readers. */
export function bigGroupReceipt(seed: SeedInfo, msgID: number, readCount: number): Record<string, unknown> {
  return {
    msgID: String(msgID),
    conversationID: seed.big.key,
    userID: null,
    groupID: seed.big.groupID,
    isPeerRead: false,
    timestamp: null,
    readCount,
    unreadCount: seed.big.members - 1 - readCount,
  };
}

export type BareServer = {
  httpUrl: string;
  wsUrl: string;
  /** Delivers `receipt` to every receiptUpdated subscription of the user with this authorization. */
  publish(authorization: string, receipt: Record<string, unknown>): void;
  /** In-process requests, as W1 drives the service (yoga.fetch). */
  fetch(url: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
};

const typeDefs = /* GraphQL */ `
  type User { id: ID! }
  type MessageReceipt {
    msgID: ID
    conversationID: String!
    userID: ID
    groupID: ID
    isPeerRead: Boolean!
    timestamp: String
    readCount: Int!
    unreadCount: Int!
  }
  type Query { me: User! }
  type Mutation { markRead(msgIDs: [ID!]!): [MessageReceipt!]! }
  type Subscription { receiptUpdated(conversationID: String): MessageReceipt! }
`;

export async function startBareServer(): Promise<BareServer> {
  const pubsub = createPubSub<{ receipts: [user: string, receipt: Record<string, unknown>] }>();
  const schema = createSchema<Context>({
    typeDefs,
    resolvers: {
      Query: { me: () => ({ id: 'bare' }) },
      Mutation: {
        markRead: (_root: unknown, { msgIDs }: { msgIDs: string[] }) =>
          msgIDs.map((msgID) => ({ msgID, conversationID: 'bare', isPeerRead: false, readCount: 1, unreadCount: 0 })),
      },
      Subscription: {
        receiptUpdated: {
          subscribe: (_root: unknown, _args: unknown, ctx: Context) => pubsub.subscribe('receipts', ctx.user ?? ''),
          resolve: (receipt: unknown) => receipt,
        },
      },
    },
  });
  const yoga = createYoga({ schema, logging: false });
  const http = createServer(yoga);
  const wsServer = new WebSocketServer({ server: http, path: yoga.graphqlEndpoint });
  const ws = useServer<Record<string, unknown>>(
    { schema, context: (ctx) => ({ user: ctx.connectionParams?.authorization as string | undefined }) },
    wsServer,
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    httpUrl: `http://127.0.0.1:${port}${yoga.graphqlEndpoint}`,
    wsUrl: `ws://127.0.0.1:${port}${yoga.graphqlEndpoint}`,
    publish: (authorization, receipt) => pubsub.publish('receipts', authorization, receipt),
    fetch: (url, init) => Promise.resolve(yoga.fetch(url, init)),
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
