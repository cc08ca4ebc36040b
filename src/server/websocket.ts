// graphql-ws on the same port and path as HTTP, executed through Yoga's envelop so plugins,
// context and validation are the same for both transports.
import type { Server } from 'node:http';
import type { execute, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

/** Yoga's envelop puts its own execute/subscribe on rootValue (see onSubscribe). */
type Envelope = { execute: typeof execute; subscribe: typeof subscribe };

export function attachWebSocket(
  httpServer: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  checkAuthorization: (authorization: unknown) => Promise<unknown>,
) {
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Envelope).execute(args),
      subscribe: (args) => (args.rootValue as Envelope).subscribe(args),
      // A bad token closes the socket at connection_init (4403); no token is caught per operation.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization === undefined) return true;
        return checkAuthorization(authorization).then(
          () => true,
          () => false,
        );
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams ?? {},
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
