// Limits for hostile clients: request size, query shape (graphql-armor), introspection and
// GraphiQL in production, CSRF, and per-user write rates. Defaults are in SECURITY.md.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.ts';
import { useRequestBodyLimit } from './body-limit.ts';
import { useBearerCSRFPrevention } from './csrf.ts';
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
    // "Simple" requests without a bearer token need a custom header (see csrf.ts for why).
    useBearerCSRFPrevention(),
    useRateLimits(config.rateLimits, redis),
  ];
}
