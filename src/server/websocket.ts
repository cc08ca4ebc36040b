// graphql-ws on the same port and path as HTTP, executed through Yoga's envelop so plugins,
// context and validation are the same for both transports. Limits (see transport-config.ts):
// frame size, sockets per user, subscriptions per socket, unauthenticated calls per address,
// and a socket's send backlog (ws-transport.ts).
import type { Server } from 'node:http';
import { type execute, GraphQLError, type subscribe } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Context } from '../schema/context.ts';
import type { TransportConfig } from '../transport-config.ts';
import type { AddressLimiter } from './address-limits.ts';
import { authorizationFromParams } from './context.ts';
import { atTime } from './expiry.ts';
import { createSharedSubscriptions } from './shared-subscriptions.ts';
import { serveGraphqlWs } from './ws-transport.ts';

/** Yoga's envelop puts its own execute/subscribe on rootValue (see onSubscribe). */
type Envelope = { execute: typeof execute; subscribe: typeof subscribe };

type Identity = { userID: string; expiresAt?: number } | null;

/** Closes a socket that breaks a limit (RFC 6455 "policy violation"); clients should not retry. */
export const POLICY_VIOLATION = 1008;

export type WebSocketDeps = {
  checkAuthorization: (authorization: unknown) => Promise<Identity>;
  limits: TransportConfig;
  /** The largest message a client needs: a subscribe is a GraphQL request, so MAX_REQUEST_BYTES. */
  maxMessageBytes: number;
  unauthenticated: AddressLimiter;
};

export function attachWebSocket(
  httpServer: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  deps: WebSocketDeps,
) {
  // ws refuses a bigger frame from its header (close 1009) before buffering its payload.
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    maxPayload: deps.maxMessageBytes,
  });
  const sockets = socketsPerUser(deps.limits.maxSocketsPerUser);
  /** Binds a socket to its user (once) and arms its close at the token's expiry. */
  const admit = (socket: WebSocket, identity: Identity): boolean => {
    if (!identity) return true;
    if (!sockets.claim(socket, identity.userID)) {
      socket.close(POLICY_VIOLATION, 'too many sockets for this user');
      return false;
    }
    if (identity.expiresAt) closeAtExpiry(socket, identity.expiresAt);
    return true;
  };

  // The viewer and its token's expiry key the sharing: a stream ends when its token expires
  // (sse-expiry.ts), so only sockets on the same token may share one.
  const shared = createSharedSubscriptions((context) => {
    const viewer = (context as Context).viewer;
    return viewer ? `${viewer.userID}:${viewer.expiresAt ?? ''}` : undefined;
  });
  const transport = serveGraphqlWs(
    {
      execute: (args) => (args.rootValue as Envelope).execute(args),
      // Sockets of one viewer asking for the same thing share one execution per event.
      subscribe: (args) =>
        shared.subscribe(args, async () => (args.rootValue as Envelope).subscribe(args) as never) as never,
      // A socket that sends no connection_init in time is closed (4408).
      connectionInitWaitTimeout: 5_000,
      // A bad token closes the socket at connection_init (4403); no token is caught per operation.
      onConnect: async (ctx) => {
        const authorization = authorizationFromParams(ctx.connectionParams);
        if (authorization === undefined) {
          const refusal = await deps.unauthenticated.consume(ctx.extra.request.socket.remoteAddress);
          if (refusal) ctx.extra.socket.close(POLICY_VIOLATION, refusal.message);
          return !refusal;
        }
        const identity = await deps.checkAuthorization(authorization).catch(() => false as const);
        return identity !== false && admit(ctx.extra.socket, identity);
      },
      onSubscribe: async (ctx, _id, payload) => {
        if (Object.keys(ctx.subscriptions).length > deps.limits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`at most ${deps.limits.maxSubscriptionsPerSocket} operations at once on one socket`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        let connectionParams: Record<string, unknown> = ctx.connectionParams ?? {};
        // GraphiQL sends its Headers panel with each operation (extensions.headers), not in
        // connection_init: on a socket opened without a token, an operation may bring its own.
        const operationToken = headerIn(payload.extensions?.headers, 'authorization');
        if (authorizationFromParams(connectionParams) === undefined && operationToken !== undefined) {
          try {
            if (!admit(ctx.extra.socket, await deps.checkAuthorization(operationToken))) {
              return [new GraphQLError('too many sockets for this user', { extensions: { code: 'TOO_MANY_SOCKETS' } })];
            }
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          connectionParams = { ...connectionParams, authorization: operationToken };
        }
        if (authorizationFromParams(connectionParams) === undefined) {
          const refusal = await deps.unauthenticated.consume(ctx.extra.request.socket.remoteAddress);
          if (refusal) return [refusal];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams,
        });
        const args = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wsServer,
    deps.limits.maxBufferedBytes,
  );
  return {
    wsServer,
    async close() {
      transport.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/** A header of a plain object, whatever the case of its name. */
function headerIn(headers: unknown, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined;
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Open sockets per user on this instance (MAX_SOCKETS_PER_USER); a socket counts for its first user. */
function socketsPerUser(max: number) {
  const open = new Map<string, number>();
  const counted = new WeakSet<WebSocket>();
  return {
    /** True if the socket is (now) counted; false if its user has `max` open already. */
    claim(socket: WebSocket, userID: string): boolean {
      if (counted.has(socket)) return true;
      const count = open.get(userID) ?? 0;
      if (count >= max) return false;
      open.set(userID, count + 1);
      counted.add(socket);
      socket.once('close', () => {
        const left = (open.get(userID) ?? 1) - 1;
        if (left > 0) open.set(userID, left);
        else open.delete(userID);
      });
      return true;
    },
  };
}

/** The earliest expiry a socket's close is armed for. */
const closesAt = new WeakMap<WebSocket, number>();

/** A socket lives no longer than its token(s): at expiry it closes, and its subscriptions end. */
function closeAtExpiry(socket: WebSocket, expiresAtSeconds: number) {
  const armed = closesAt.get(socket);
  if (armed !== undefined && armed <= expiresAtSeconds) return;
  closesAt.set(socket, expiresAtSeconds);
  const cancel = atTime(expiresAtSeconds * 1000, () => socket.close(4403, 'Forbidden: token expired'));
  socket.once('close', cancel);
}
