// buildApp() wires config, database, pubsub, services and transports, and returns
// { yoga, start, stop }: tests, the benchmark and main.ts all build the same app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import type { DestinationStream } from 'pino';
import { type AppConfig, loadConfig } from '../config.ts';
import { createDb, providerOf, type QueryListener } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { createAppPubSub } from '../pubsub/index.ts';
import { createServices } from '../resolvers/index.ts';
import type { Context } from '../schema/context.ts';
import { schema } from '../schema/index.ts';
import { createAddressLimiter } from './address-limits.ts';
import { createContextFactory } from './context.ts';
import { maskError } from './errors.ts';
import { GRAPHIQL_DEFAULT_QUERY, renderGraphiQL } from './graphiql.ts';
import { listen } from './listen.ts';
import { createObservability } from './observability/index.ts';
import { corsFor, securityPlugins } from './security.ts';
import { withWebRoutes } from './static.ts';
import { attachWebSocket } from './websocket.ts';

export type BuildAppOptions = {
  config?: AppConfig;
  onQuery?: QueryListener;
  migrate?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logTo?: DestinationStream;
};

export async function buildApp(options: BuildAppOptions = {}) {
  const config = options.config ?? loadConfig();
  const observability = await createObservability(config, options.logTo);
  const { logger } = observability;
  if (options.migrate !== false) await applyMigrations(config.databaseUrl, config.databaseConnectTimeoutMs);
  const { db, readTransaction } = await createDb(config.databaseUrl, options.onQuery, logger);
  const pubsubHandle = await createAppPubSub(config.redisUrl);
  const pubsub = pubsubHandle.pubsub;
  const provider = providerOf(config.databaseUrl);
  const services = createServices({ db, provider, config, pubsub, readTransaction });
  const contexts = createContextFactory({ config, db, pubsub, services });
  const callers = {
    isSignedIn: (authorization: unknown) => contexts.verifies(authorization),
    unauthenticated: createAddressLimiter(config.transport.unauthenticatedPerMinute),
  };

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    context: (initial) => contexts.context(initial),
    graphiql: config.explorer
      ? { title: 'Read receipts', defaultQuery: GRAPHIQL_DEFAULT_QUERY, subscriptionsProtocol: 'WS' }
      : false,
    renderGraphiQL,
    // Unexpected errors reach clients as "Unexpected error." with no stack or SQL, even outside production.
    maskedErrors: { isDev: false, maskError },
    // Off: useRequestBodyLimit (in securityPlugins) checks the length without a stream per request.
    maxRequestBodySize: false,
    // Unknown paths get a plain 404, not Yoga's welcome page.
    landingPage: false,
    cors: corsFor(config.transport.corsOrigins),
    logging: observability.yogaLogger,
    plugins: [
      ...observability.plugins,
      ...securityPlugins(config, callers, pubsubHandle.redis),
      useReadinessCheck({
        endpoint: '/ready',
        check: async () => {
          await db.$queryRaw`SELECT 1`;
          if (!(await pubsubHandle.ping())) throw new Error('redis is not reachable');
        },
      }),
    ],
  });

  let httpServer: Server | undefined;
  let ws: ReturnType<typeof attachWebSocket> | undefined;

  return {
    config,
    db,
    logger,
    /** Sends buffered trace spans now (stop() does too). */
    flushTelemetry: observability.flush,
    yoga,
    services,
    pubsub,
    /** WebSocket connections open now: tests and the benchmark watch sockets being dropped. */
    openSockets: () => ws?.wsServer.clients.size ?? 0,
    /** Listens on HOST and `port` (default: config.port; 0 picks a free one); returns the URL of /graphql. */
    async start(port = config.port): Promise<string> {
      // The demo page and dev token endpoint first (see static.ts), then Yoga.
      httpServer = createServer(withWebRoutes(config, yoga, logger));
      // HOST: loopback outside production unless set (see transport-config.ts). Sockets attach
      // once listening: a listen error (port in use) is reported by listen().
      await listen(httpServer, port, config.transport.host);
      ws = attachWebSocket(httpServer, yoga as never, {
        checkAuthorization: contexts.viewerFrom,
        limits: config.transport,
        maxMessageBytes: config.maxRequestBytes,
        unauthenticated: callers.unauthenticated,
      });
      observability.watchWebSockets(ws.wsServer);
      services.retention.start(); // with RECEIPT_RETENTION_DAYS only
      services.leaveSweep.start();
      return urlOf(httpServer.address() as AddressInfo, yoga.graphqlEndpoint);
    },
    /**
     * Graceful: stops accepting, closes WebSockets with 1001 (going away), lets in-flight
     * requests finish (up to `graceMs`), then closes Redis and the database.
     */
    async stop(graceMs = 10_000): Promise<void> {
      if (httpServer) await drainHttp(httpServer, () => ws?.close(), graceMs);
      await services.retention.stop();
      await services.leaveSweep.stop();
      await pubsubHandle.close();
      await db.$disconnect();
      await observability.flush();
    },
  };
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** The URL clients on this machine reach the server at. */
function urlOf({ address, family, port }: AddressInfo, path: string): string {
  const everywhere = address === '::' || address === '0.0.0.0';
  const host = everywhere ? 'localhost' : family === 'IPv6' ? `[${address}]` : address;
  return `http://${host}:${port}${path}`;
}

async function drainHttp(server: Server, closeSockets: () => Promise<void> | undefined, graceMs: number) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await closeSockets();
  // Keep-alive connections go as soon as they are idle; busy ones get until the deadline.
  const deadline = Date.now() + graceMs;
  const sweep = setInterval(() => {
    server.closeIdleConnections();
    if (Date.now() > deadline) server.closeAllConnections();
  }, 50);
  server.closeIdleConnections();
  await closed;
  clearInterval(sweep);
}
