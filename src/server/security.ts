// Limits for hostile clients: request size, query shape (graphql-armor), introspection and
// GraphiQL in production, CSRF, and per-user write rates. Defaults are in SECURITY.md.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.ts';
import { useRequestBodyLimit } from './body-limit.ts';
import { useRateLimits } from './rate-limits.ts';

export function securityPlugins(config: AppConfig, redis?: Redis) {
  return [
    useRequestBodyLimit(config.maxRequestBytes),
    EnvelopArmorPlugin({
      maxDepth: { n: 12 },
      maxAliases: { n: 15 },
      maxTokens: { n: 3000 },
      maxDirectives: { n: 20 },
      costLimit: { maxCost: 5000 },
      blockFieldSuggestion: { enabled: config.production },
    }),
    useDisableIntrospection({ isDisabled: () => !config.explorer }),
    // Browsers may send "simple" cross-site requests without a preflight; those must carry this header.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
    useRateLimits(config.rateLimits, redis),
  ];
}
