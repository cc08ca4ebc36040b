// Per-user limits on every mutation. A request is counted by what will execute: graphql-js's
// own collectFields walks the operation as execute will (inline and named fragments, @skip and
// @include with the request's variables), and each response key is one call, so neither
// aliases nor fragments nor the transport (HTTP or graphql-ws) multiply a request. The whole
// request is refused before anything runs, so a refused request writes nothing. With Redis the
// counters are shared by every instance; while Redis is down each instance counts on its own.
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type TypeNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitedOperation, RateLimits } from '../config.ts';
import type { Context } from '../schema/context.ts';

type Limiter = RateLimiterMemory | RateLimiterRedis;

export function useRateLimits(limits: RateLimits, redis?: Redis): Plugin<Context> {
  const make = (keyPrefix: string, points: number): Limiter => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
    if (!redis) return memory;
    // insuranceLimiter: when a Redis command fails (down, or past its timeout), count in memory
    // instead of holding the request until Redis is back.
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rr:rl:${keyPrefix}`,
      points,
      duration: 60,
      insuranceLimiter: memory,
    });
  };
  const limiters = Object.fromEntries(
    Object.entries(limits).map(([operation, points]) => [operation, make(operation, points)]),
  ) as Record<RateLimitedOperation, Limiter>;
  const limiterOf = (field: string): Limiter => limiters[field as RateLimitedOperation] ?? limiters.otherMutation;

  const callsOf = rememberedCalls();
  return {
    // Not async: a query (no mutation calls) goes on without a promise.
    onExecute({ args, setResultAndStopExecution }) {
      const userID = args.contextValue.viewer?.userID;
      if (!userID) return;
      const calls = callsOf(args.schema, args.document, args.operationName, args.variableValues);
      if (calls.size === 0) return;
      return (async () => {
        for (const [field, count] of calls) {
          try {
            await limiterOf(field).consume(userID, count);
          } catch (rejection) {
            if (!(rejection instanceof RateLimiterRes)) throw rejection;
            const overHttp = 'request' in args.contextValue;
            setResultAndStopExecution({ errors: [rateLimited(`${field} calls`, rejection.msBeforeNext, overHttp)] });
            return;
          }
        }
      })();
    },
  };
}

/**
 * mutationCalls, remembered per parsed document and operation name when its count holds for
 * any variables (`fixed`): Yoga's parser cache hands back the same document object for the same
 * text, so the walk runs once per document.
 */
function rememberedCalls() {
  const byDocument = new WeakMap<DocumentNode, Map<string, Map<string, number>>>();
  return (...args: Parameters<typeof mutationCalls>): Map<string, number> => {
    const [, document, operationName] = args;
    const key = operationName ?? '';
    const known = byDocument.get(document)?.get(key);
    if (known) return known;
    const { calls, fixed } = mutationCalls(...args);
    if (fixed) byDocument.set(document, (byDocument.get(document) ?? new Map()).set(key, calls));
    return calls;
  };
}

/**
 * The root mutation fields this request will execute, with how many times each: one per
 * response key, as execute runs them. Empty for queries, subscriptions, and documents execute
 * will refuse anyway (unknown operation, bad variables). `fixed`: the operation exists and has no
 * Boolean variable, so no @skip/@include can make another request of it count differently.
 */
export function mutationCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  rawVariables?: Record<string, unknown> | null,
): { calls: Map<string, number>; fixed: boolean } {
  const calls = new Map<string, number>();
  const operation = getOperationAST(document, operationName);
  if (!operation) return { calls, fixed: false };
  // Only @skip/@include read variables here, and their `if` takes Booleans (validation holds
  // variables to their positions): coercing just those skips the cost of coercing big inputs.
  const booleans = (operation.variableDefinitions ?? []).filter((d) => namedType(d.type) === 'Boolean');
  const fixed = booleans.length === 0;
  const mutationType = schema.getMutationType();
  if (operation.operation !== 'mutation' || !mutationType) return { calls, fixed };
  const variables = getVariableValues(schema, booleans, rawVariables ?? {});
  if (variables.errors) return { calls, fixed: false };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const fields = collectFields(schema, fragments, variables.coerced, mutationType, operation.selectionSet);
  for (const [, nodes] of fields) {
    const name = nodes[0].name.value;
    if (mutationType.getFields()[name]) calls.set(name, (calls.get(name) ?? 0) + 1);
  }
  return { calls, fixed };
}

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/**
 * RATE_LIMITED, with the wait in seconds: over HTTP also status 429 and a Retry-After header,
 * as HTTP clients and retry libraries expect (Yoga applies extensions.http and strips it).
 */
export function rateLimited(what: string, msBeforeNext: number, overHttp: boolean): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GraphQLError(`too many ${what}: try again in ${retryAfterSeconds}s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter: retryAfterSeconds,
      retryAfterSeconds,
      ...(overHttp && { http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } }),
    },
  });
}
