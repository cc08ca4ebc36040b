// Transport settings: where the server listens, who may call it cross-origin, and the limits
// on sockets and unauthenticated callers (see the README settings table and SECURITY.md).
import { z } from 'zod';

const TransportEnvSchema = z.object({
  /** Outside production the default is loopback: development mode mints tokens (/dev/token). */
  HOST: z.string().min(1).optional(),
  /** Comma-separated origins allowed to call cross-origin, or `*`; empty: same origin only. */
  CORS_ORIGINS: z.string().default(''),
  // A chat client subscribes once per open conversation (or once, unfiltered): 100 is generous.
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().positive().default(100),
  // Tabs and devices of one person on one instance; a script opening hundreds is not a person.
  MAX_SOCKETS_PER_USER: z.coerce.number().int().positive().default(20),
  // A receipt event is ~200 bytes: 1 MiB is thousands of undelivered events, far past a slow
  // phone, and a bound on what one socket that stopped reading can make the server hold.
  WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  // No GraphQL field answers without a token, so honest clients send few such requests
  // (GraphiQL's schema fetch, a client before sign-in); this only slows down CPU burners.
  UNAUTHENTICATED_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(60),
});

export type TransportConfig = {
  /** undefined: every interface (Node's default, IPv6 and IPv4). */
  host: string | undefined;
  /** Allowed cross-origin callers; '*' for any; empty for none. */
  corsOrigins: string[];
  maxSubscriptionsPerSocket: number;
  maxSocketsPerUser: number;
  maxBufferedBytes: number;
  unauthenticatedPerMinute: number;
};

export function loadTransportConfig(env: NodeJS.ProcessEnv, production: boolean): TransportConfig {
  const parsed = TransportEnvSchema.parse(env);
  return {
    host: parsed.HOST ?? (production ? undefined : '127.0.0.1'),
    corsOrigins: parsed.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    maxSubscriptionsPerSocket: parsed.MAX_SUBSCRIPTIONS_PER_SOCKET,
    maxSocketsPerUser: parsed.MAX_SOCKETS_PER_USER,
    maxBufferedBytes: parsed.WS_MAX_BUFFERED_BYTES,
    unauthenticatedPerMinute: parsed.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
  };
}
