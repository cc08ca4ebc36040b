// Runtime settings, read once from the environment (see the table in README.md).
import { z } from 'zod';
import { loadTransportConfig, type TransportConfig } from './transport-config.ts';

export const GROUP_TYPES = ['WORK', 'PUBLIC', 'MEETING', 'AVCHATROOM', 'COMMUNITY'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

const DEV_SECRET = 'dev-secret-change-me-0123456789abcdef';

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().default('file:./data/app.db'),
  AUTH_SECRET: z.string().optional(),
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
  authSecret: string;
  receiptGroupTypes: ReadonlySet<GroupType>;
  redisUrl?: string;
  /** GraphiQL and introspection: on outside production, off in it unless GRAPHQL_EXPLORER=true. */
  explorer: boolean;
  rateLimits: { markReadPerMinute: number; sendMessagePerMinute: number };
  maxRequestBytes: number;
  transport: TransportConfig;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.parse(env);
  const production = parsed.NODE_ENV === 'production';
  if (!parsed.AUTH_SECRET) {
    if (production) throw new Error('AUTH_SECRET is required when NODE_ENV=production');
    if (parsed.NODE_ENV !== 'test') console.warn('[config] AUTH_SECRET is not set: using the development secret');
  }
  return {
    production,
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL,
    authSecret: parsed.AUTH_SECRET ?? DEV_SECRET,
    receiptGroupTypes: new Set(parsed.READ_RECEIPT_GROUP_TYPES),
    redisUrl: parsed.REDIS_URL || undefined,
    explorer: production ? parsed.GRAPHQL_EXPLORER === 'true' : parsed.GRAPHQL_EXPLORER !== 'false',
    rateLimits: {
      markReadPerMinute: parsed.RATE_LIMIT_MARK_READ_PER_MINUTE,
      sendMessagePerMinute: parsed.RATE_LIMIT_SEND_MESSAGE_PER_MINUTE,
    },
    maxRequestBytes: parsed.MAX_REQUEST_BYTES,
    transport: loadTransportConfig(env, production),
  };
}
