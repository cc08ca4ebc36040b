// Per-user limits on the writes a client can repeat cheaply. Counted per top-level field, so
// aliases (`a: markRead ... b: markRead ...`) cannot multiply one request. With Redis the
// counters are shared by every instance.
import { type DocumentNode, type FieldNode, GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Context } from '../schema/context.ts';

export type RateLimitConfig = { markReadPerMinute: number; sendMessagePerMinute: number };

export function useRateLimits(limits: RateLimitConfig, redis?: Redis): Plugin<Context> {
  const make = (keyPrefix: string, points: number) =>
    redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `rr:rl:${keyPrefix}`, points, duration: 60 })
      : new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  const limiters: Record<string, RateLimiterMemory | RateLimiterRedis> = {
    markRead: make('markRead', limits.markReadPerMinute),
    sendMessage: make('sendMessage', limits.sendMessagePerMinute),
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const userID = args.contextValue.viewer?.userID;
      const document = args.document as DocumentNode;
      const operation = document.definitions.find(
        (d): d is OperationDefinitionNode =>
          d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
      );
      if (!userID || operation?.operation !== 'mutation') return;
      const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
      for (const field of fields) {
        const limiter = limiters[field.name.value];
        if (!limiter) continue;
        try {
          await limiter.consume(userID);
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
          setResultAndStopExecution({
            errors: [
              new GraphQLError(`too many ${field.name.value} calls: try again in ${retryAfterSeconds}s`, {
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
              }),
            ],
          });
          return;
        }
      }
    },
  };
}
