// Runtime settings, read once from the environment (see the table in README.md).
import { z } from 'zod';
import type { AuthSettings } from './auth/jwt.ts';

export const GROUP_TYPES = ['WORK', 'PUBLIC', 'MEETING', 'AVCHATROOM', 'COMMUNITY'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

const DEV_SECRET = 'dev-secret-change-me-0123456789abcdef';

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().default('file:./data/app.db'),
  AUTH_SECRET: z.string().optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_JWKS_CACHE_SECONDS: z.coerce.number().int().positive().default(600),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  AUTH_USER_ID_CLAIM: z.string().min(1).default('sub'),
  AUTH_MAX_TOKEN_AGE: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  METRICS_ENABLED: z.enum(['true', 'false']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().default('read-receipts'),
  READ_RECEIPT_GROUP_TYPES: z
    .string()
    .default('WORK,PUBLIC,MEETING')
    .transform((list) =>
      list
        .split(',')
        .map((t) => t.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(GROUP_TYPES))),
  REDIS_URL: z.string().optional(),
  /** Production only: turns GraphiQL and introspection back on. */
  GRAPHQL_EXPLORER: z.enum(['true', 'false']).optional(),
  RATE_LIMIT_MARK_READ_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_SEND_MESSAGE_PER_MINUTE: z.coerce.number().int().positive().default(300),
  MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
});

export type AppConfig = {
  production: boolean;
  port: number;
  databaseUrl: string;
  /** HS256 secret; undefined in production when only AUTH_JWKS_URL is set. */
  authSecret?: string;
  /** Identity provider checks (see src/auth/jwt.ts). */
  auth: Omit<AuthSettings, 'secret'>;
  /** pino level: info in production, debug in development, silent in tests (LOG_LEVEL overrides). */
  logLevel: string;
  /** Prometheus /metrics: on outside production, off in it unless METRICS_ENABLED=true. */
  metrics: boolean;
  /** OpenTelemetry tracing over OTLP/HTTP, only when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: { endpoint: string; serviceName: string };
  /** Said once at start-up through the app's logger. */
  warnings: string[];
  receiptGroupTypes: ReadonlySet<GroupType>;
  redisUrl?: string;
  /** GraphiQL and introspection: on outside production, off in it unless GRAPHQL_EXPLORER=true. */
  explorer: boolean;
  rateLimits: { markReadPerMinute: number; sendMessagePerMinute: number };
  maxRequestBytes: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.parse(env);
  const production = parsed.NODE_ENV === 'production';
  const warnings: string[] = [];
  if (!parsed.AUTH_SECRET && !(production && parsed.AUTH_JWKS_URL)) {
    if (production) throw new Error('AUTH_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production');
    if (parsed.NODE_ENV !== 'test') warnings.push('AUTH_SECRET is not set: using the development secret');
  }
  return {
    production,
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL,
    authSecret: parsed.AUTH_SECRET ?? (production ? undefined : DEV_SECRET),
    auth: {
      jwksUrl: parsed.AUTH_JWKS_URL,
      jwksCacheSeconds: parsed.AUTH_JWKS_CACHE_SECONDS,
      issuer: parsed.AUTH_ISSUER || undefined,
      audience: parsed.AUTH_AUDIENCE || undefined,
      userIdClaim: parsed.AUTH_USER_ID_CLAIM,
      maxTokenAgeSeconds: parsed.AUTH_MAX_TOKEN_AGE,
    },
    logLevel: parsed.LOG_LEVEL ?? (production ? 'info' : parsed.NODE_ENV === 'test' ? 'silent' : 'debug'),
    metrics: production ? parsed.METRICS_ENABLED === 'true' : parsed.METRICS_ENABLED !== 'false',
    tracing: parsed.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: parsed.OTEL_SERVICE_NAME }
      : undefined,
    receiptGroupTypes: new Set(parsed.READ_RECEIPT_GROUP_TYPES),
    redisUrl: parsed.REDIS_URL || undefined,
    explorer: production ? parsed.GRAPHQL_EXPLORER === 'true' : parsed.GRAPHQL_EXPLORER !== 'false',
    rateLimits: {
      markReadPerMinute: parsed.RATE_LIMIT_MARK_READ_PER_MINUTE,
      sendMessagePerMinute: parsed.RATE_LIMIT_SEND_MESSAGE_PER_MINUTE,
    },
    maxRequestBytes: parsed.MAX_REQUEST_BYTES,
    warnings,
  };
}
