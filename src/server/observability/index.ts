// Logs, metrics and traces for one app (see README "Operations"). The app keeps one of these and
// hands its plugins to Yoga; start() and stop() are the only other places that touch it.
import type { DestinationStream } from 'pino';
import type { WebSocketServer } from 'ws';
import type { AppConfig } from '../../config.ts';
import { createLogger, type Logger, yogaLogger } from '../../logger.ts';
import { webSocketConnections } from '../../metrics.ts';
import { useMetricsEndpoint } from './metrics-endpoint.ts';
import { useOperationObserver } from './operations.ts';
import { startTracing, useTracing } from './tracing.ts';

export type Observability = Awaited<ReturnType<typeof createObservability>>;

/** `logTo` replaces stdout (tests read the lines there). */
export async function createObservability(config: AppConfig, logTo?: DestinationStream) {
  const logger: Logger = createLogger({ level: config.logLevel, production: config.production }, logTo);
  const tracing = config.tracing ? await startTracing(config.tracing) : undefined;
  for (const warning of config.warnings) logger.warn(`config: ${warning}`);
  return {
    logger,
    /** Yoga's own messages (and the errors it reports) as pino lines. */
    yogaLogger: yogaLogger(logger),
    plugins: [useOperationObserver(logger), useMetricsEndpoint(config.metrics), ...(tracing ? [useTracing()] : [])],
    /** Counts graphql-ws sockets for /metrics. */
    watchWebSockets(server: WebSocketServer) {
      server.on('connection', (socket) => {
        webSocketConnections.inc();
        socket.once('close', () => webSocketConnections.dec());
      });
    },
    /** Sends the spans still buffered (on shutdown); a collector that is down must not stop the shutdown. */
    async flush() {
      await tracing?.flush().catch((error: unknown) => logger.warn({ err: error }, 'tracing: spans not exported'));
      logger.flush();
    },
  };
}
