// Limits for hostile clients: request size, query shape (graphql-armor and a selection count
// before validation), introspection and GraphiQL in production, suggestions in production,
// CSRF and CORS, unauthenticated calls per address, per-user write rates, and subscriptions
// that end with their token. Defaults are in SECURITY.md.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { ExecutionResult } from 'graphql';
import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.ts';
import { type AddressLimiter, type TokenCheck, useUnauthenticatedLimit } from './address-limits.ts';
import { useRequestBodyLimit } from './body-limit.ts';
import { useBearerCSRFPrevention } from './csrf.ts';
import { useSelectionLimit } from './document-limits.ts';
import { useRateLimits } from './rate-limits.ts';
import { useSubscriptionExpiry } from './sse-expiry.ts';

export type CallerChecks = { isSignedIn: TokenCheck; unauthenticated: AddressLimiter };

export function securityPlugins(config: AppConfig, callers: CallerChecks, redis?: Redis) {
  return [
    useUnauthenticatedLimit(callers.unauthenticated, callers.isSignedIn),
    useRequestBodyLimit(config.maxRequestBytes),
    // Before armor's rules: a document over the limit skips validation altogether.
    useSelectionLimit(),
    EnvelopArmorPlugin({
      maxDepth: { n: 12 },
      maxAliases: { n: 15 },
      maxTokens: { n: 3000 },
      maxDirectives: { n: 20 },
      costLimit: { maxCost: 5000 },
      // Its pattern misses enum values ("Did you mean the enum value ..."): useHiddenSuggestions.
      blockFieldSuggestion: { enabled: false },
    }),
    ...(config.production ? [useHiddenSuggestions()] : []),
    ...(config.explorer ? [] : [useDisableIntrospection()]),
    // "Simple" requests without a bearer token need a custom header (see csrf.ts for why).
    useBearerCSRFPrevention(),
    useRateLimits(config.rateLimits, redis),
    useSubscriptionExpiry(),
  ];
}

/**
 * CORS_ORIGINS: an origin on the list (or any, with `*`) may call; others get no CORS headers,
 * so browsers keep the answer from them. Never with credentials: auth is a bearer header, not a
 * cookie, so a cross-origin page has nothing to borrow.
 */
export function corsFor(origins: readonly string[]): false | ((request: Request) => CORSOptions) {
  if (origins.length === 0) return false;
  const any = origins.includes('*');
  return (request) => {
    const origin = request.headers.get('origin');
    if (!any && (origin === null || !origins.includes(origin))) return false;
    return { origin: any ? '*' : (origin as string), credentials: false };
  };
}

/** "Did you mean ..." in any form: field, argument, type, enum value. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Production: errors name no schema element the caller did not write (validation and variables). */
function useHiddenSuggestions(): Plugin {
  const hide = (errors: readonly Error[] | undefined) => {
    for (const error of errors ?? []) error.message = error.message.replace(SUGGESTION, '');
  };
  const hideInResult = ({ result }: { result: unknown }) => {
    if (result && typeof result === 'object' && 'errors' in result) hide((result as ExecutionResult).errors);
  };
  return {
    onValidate:
      () =>
      ({ result }) =>
        hide(result),
    // Variable values are checked at execution: `$type: "WROK"` is refused there.
    onExecute: () => ({ onExecuteDone: hideInResult }),
    onSubscribe: () => ({ onSubscribeResult: hideInResult }),
  };
}
