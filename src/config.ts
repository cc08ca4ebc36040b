// Runtime settings, read once from the environment (see the table in README.md).
import { z } from 'zod';
import type { AuthSettings } from './auth/jwt.ts';
import { StartupError } from './startup-error.ts';
import { loadTransportConfig, type TransportConfig } from './transport-config.ts';

export const GROUP_TYPES = ['WORK', 'PUBLIC', 'MEETING', 'AVCHATROOM', 'COMMUNITY'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

const DEV_SECRET = 'dev-secret-change-me-0123456789abcdef';
/** HS256 keys shorter than the hash (32 bytes) are weaker than the algorithm (RFC 7518, 3.2). */
export const MIN_AUTH_SECRET_BYTES = 32;

const PORT_RANGE = 'expected a whole number from 0 to 65535 (0 picks a free port)';

/**
 * Per-user writes per minute, one limit for every mutation, each overridable by its setting.
 * Chosen so no human pace (nor a client catching up after being offline) comes near them, while
 * a script cannot flood the database: a person creates a few groups a day, flips a privacy
 * switch now and then, and opens or reads a chat at most a few times a second.
 */
export const MUTATION_RATE_LIMITS = {
  sendMessage: { setting: 'RATE_LIMIT_SEND_MESSAGE_PER_MINUTE', perMinute: 300 },
  // A client sends receipts for each page it shows while scrolling (up to 30 ids each).
  markRead: { setting: 'RATE_LIMIT_MARK_READ_PER_MINUTE', perMinute: 600 },
  // Sent when a chat is opened, and again for each message arriving while it is open.
  markConversationRead: { setting: 'RATE_LIMIT_MARK_CONVERSATION_READ_PER_MINUTE', perMinute: 300 },
  // Each call may name up to 500 users (MAX_IDS_PER_CALL), each a row created on first mention.
  createGroup: { setting: 'RATE_LIMIT_CREATE_GROUP_PER_MINUTE', perMinute: 10 },
  addGroupMembers: { setting: 'RATE_LIMIT_ADD_GROUP_MEMBERS_PER_MINUTE', perMinute: 60 },
  removeGroupMembers: { setting: 'RATE_LIMIT_REMOVE_GROUP_MEMBERS_PER_MINUTE', perMinute: 60 },
  setReadReceiptsEnabled: { setting: 'RATE_LIMIT_SET_READ_RECEIPTS_ENABLED_PER_MINUTE', perMinute: 20 },
  updateProfile: { setting: 'RATE_LIMIT_UPDATE_PROFILE_PER_MINUTE', perMinute: 20 },
  // Any mutation added later without a line here, until it gets one of its own.
  otherMutation: { setting: 'RATE_LIMIT_OTHER_MUTATION_PER_MINUTE', perMinute: 60 },
} as const;
export type RateLimitedOperation = keyof typeof MUTATION_RATE_LIMITS;
export type RateLimits = Record<RateLimitedOperation, number>;

const rateLimitSettings = Object.fromEntries(
  Object.values(MUTATION_RATE_LIMITS).map(({ setting, perMinute }) => [
    setting,
    z.coerce.number().int().positive().default(perMinute),
  ]),
) as Record<(typeof MUTATION_RATE_LIMITS)[RateLimitedOperation]['setting'], z.ZodDefault<z.ZodCoercedNumber>>;

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number({ error: PORT_RANGE }).int(PORT_RANGE).min(0, PORT_RANGE).max(65535, PORT_RANGE).default(4000),
  DATABASE_URL: z
    .string()
    .default('file:./data/app.db')
    .refine(isDatabaseUrl, 'expected file:<path> (SQLite) or postgresql://user:password@host:5432/database'),
  /** How long start-up keeps retrying a PostgreSQL that refuses or is still starting (57P03). */
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
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
  ...rateLimitSettings,
  READ_RECEIPT_PRIVACY: z.enum(['ONE_WAY', 'RECIPROCAL']).default('ONE_WAY'),
  /** Unset: keep reader lists forever. Fractions are allowed (tests use seconds). */
  RECEIPT_RETENTION_DAYS: z.coerce.number().positive().optional(),
  // One sweep transaction moves at most this many receipt rows, then pauses, so a sweep never
  // holds SQLite's single writer (or a message's row lock) for more than a few milliseconds.
  RECEIPT_SWEEP_BATCH_ROWS: z.coerce.number().int().positive().default(1_000),
  RECEIPT_SWEEP_PAUSE_MS: z.coerce.number().int().min(0).default(50),
  /** How often an idle sweep looks for messages that have just passed the retention age. */
  RECEIPT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
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
  databaseConnectTimeoutMs: number;
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
  /** Per user and minute, by mutation (see MUTATION_RATE_LIMITS). */
  rateLimits: RateLimits;
  maxRequestBytes: number;
  /** RECIPROCAL: a user with receipts off sees none for their own messages either. */
  receiptPrivacy: 'ONE_WAY' | 'RECIPROCAL';
  /** Reader lists older than retentionDays are removed in the background (see retention.ts). */
  retention: { days?: number; batchRows: number; pauseMs: number; intervalMs: number };
  transport: TransportConfig;
};

function isDatabaseUrl(url: string): boolean {
  if (url.startsWith('file:')) return url.length > 'file:'.length;
  return /^postgres(ql)?:\/\//.test(url) && URL.canParse(url) && new URL(url).hostname !== '';
}

/** The first invalid setting as one line; the value is shown unless it may hold a secret. */
function describeIssue(env: NodeJS.ProcessEnv, issue: z.core.$ZodIssue): string {
  const name = String(issue.path[0] ?? 'environment');
  const secret = /SECRET|PASSWORD|URL/.test(name);
  const value = env[name] === undefined || secret ? '' : ` (got ${JSON.stringify(env[name])})`;
  return `Invalid setting ${name}${value}: ${issue.message}. Fix the environment variable and start again.`;
}

/** Throws a StartupError naming the setting when one is invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) throw new StartupError(describeIssue(env, result.error.issues[0]));
  const parsed = result.data;
  const production = parsed.NODE_ENV === 'production';
  const warnings: string[] = [];
  // In production an identity provider (AUTH_JWKS_URL) may stand in for the HS256 secret.
  if (production) {
    if (parsed.AUTH_SECRET || !parsed.AUTH_JWKS_URL) checkProductionSecret(parsed.AUTH_SECRET);
  } else if (!parsed.AUTH_SECRET && parsed.NODE_ENV !== 'test') {
    warnings.push('AUTH_SECRET is not set: using the development secret');
  }
  return {
    production,
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL,
    databaseConnectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000,
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
    rateLimits: Object.fromEntries(
      Object.entries(MUTATION_RATE_LIMITS).map(([operation, { setting }]) => [operation, parsed[setting]]),
    ) as RateLimits,
    maxRequestBytes: parsed.MAX_REQUEST_BYTES,
    warnings,
    receiptPrivacy: parsed.READ_RECEIPT_PRIVACY,
    retention: {
      days: parsed.RECEIPT_RETENTION_DAYS,
      batchRows: parsed.RECEIPT_SWEEP_BATCH_ROWS,
      pauseMs: parsed.RECEIPT_SWEEP_PAUSE_MS,
      intervalMs: parsed.RECEIPT_SWEEP_INTERVAL_MS,
    },
    transport: loadTransportConfig(env, production),
  };
}

/** Production refuses a missing, public (the development one) or short HS256 secret. */
function checkProductionSecret(secret: string | undefined) {
  const fix = `set AUTH_SECRET to ${MIN_AUTH_SECRET_BYTES} or more random bytes, e.g. $(openssl rand -hex 32)`;
  if (!secret) throw new StartupError(`AUTH_SECRET is required with NODE_ENV=production: ${fix}`);
  if (secret === DEV_SECRET) {
    throw new StartupError(`AUTH_SECRET is the public development secret, refused with NODE_ENV=production: ${fix}`);
  }
  const bytes = Buffer.byteLength(secret);
  if (bytes < MIN_AUTH_SECRET_BYTES) {
    throw new StartupError(`AUTH_SECRET is ${bytes} bytes, too short for NODE_ENV=production: ${fix}`);
  }
}
