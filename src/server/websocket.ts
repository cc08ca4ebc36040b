// graphql-ws on the same port and path as HTTP, executed through Yoga's envelop so plugins,
// context and validation are the same for both transports.
import type { Server } from 'node:http';
import { type execute, GraphQLError, type subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Context } from '../schema/context.ts';
import { createSharedSubscriptions } from './shared-subscriptions.ts';

/** Yoga's envelop puts its own execute/subscribe on rootValue (see onSubscribe). */
type Envelope = { execute: typeof execute; subscribe: typeof subscribe };

export function attachWebSocket(
  httpServer: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  checkAuthorization: (authorization: unknown) => Promise<{ expiresAt?: number } | null>,
) {
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
  const shared = createSharedSubscriptions((context) => (context as Context).viewer?.userID);
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Envelope).execute(args),
      // Sockets of one viewer asking for the same thing share one execution per event.
      subscribe: (args) =>
        shared.subscribe(args, async () => (args.rootValue as Envelope).subscribe(args) as never) as never,
      // A socket that sends no connection_init in time is closed (4408).
      connectionInitWaitTimeout: 5_000,
      // A bad token closes the socket at connection_init (4403); no token is caught per operation.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization === undefined) return true;
        const identity = await checkAuthorization(authorization).catch(() => false as const);
        if (identity === false) return false;
        if (identity?.expiresAt) closeAtExpiry(ctx.extra.socket, identity.expiresAt);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        let connectionParams: Record<string, unknown> = ctx.connectionParams ?? {};
        // GraphiQL sends its Headers panel with each operation (extensions.headers), not in
        // connection_init: on a socket opened without a token, an operation may bring its own.
        const operationToken = headerIn(payload.extensions?.headers, 'authorization');
        if (connectionParams.authorization === undefined && operationToken !== undefined) {
          try {
            const identity = await checkAuthorization(operationToken);
            if (identity?.expiresAt) closeAtExpiry(ctx.extra.socket, identity.expiresAt);
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          connectionParams = { ...connectionParams, authorization: operationToken };
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
  );
  return {
    wsServer,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/** setTimeout fires at once for delays past 2^31-1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A header of a plain object, whatever the case of its name. */
function headerIn(headers: unknown, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined;
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** The earliest expiry a socket's close is armed for. */
const closesAt = new WeakMap<WebSocket, number>();

/** A socket lives no longer than its token(s): at expiry it closes, and its subscriptions end. */
function closeAtExpiry(socket: WebSocket, expiresAtSeconds: number) {
  const armed = closesAt.get(socket);
  if (armed !== undefined && armed <= expiresAtSeconds) return;
  closesAt.set(socket, expiresAtSeconds);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAtSeconds * 1000 - Date.now();
    if (left <= 0) socket.close(4403, 'Forbidden: token expired');
    else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  socket.once('close', () => clearTimeout(timer));
}
