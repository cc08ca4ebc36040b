// Subscriptions end when the caller's token expires. A graphql-ws socket closes itself at
// expiry (websocket.ts); a stream over HTTP (server-sent events) has no socket of ours to close,
// so its event stream ends: one last UNAUTHENTICATED error, then completion. Applied to every
// transport, so no subscription outlives its token even if a transport forgets.
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../schema/context.ts';
import { atTime } from './expiry.ts';

const expiredResult = (): ExecutionResult => ({
  errors: [new GraphQLError('the token has expired', { extensions: { code: 'UNAUTHENTICATED' } })],
});

export function useSubscriptionExpiry(): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const expiresAt = args.contextValue.viewer?.expiresAt;
      if (expiresAt === undefined) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(endAtExpiry(result, expiresAt * 1000));
        },
      };
    },
  };
}

type Step = IteratorResult<ExecutionResult, undefined>;
const DONE: Step = { done: true, value: undefined };

/**
 * The events of `source` until `expiresAtMs`, then an UNAUTHENTICATED error and the end.
 * Written by hand, not as an async generator: a generator cannot be ended (return()) while it
 * waits for the next event, so a client that leaves would hold its subscription until then.
 */
function endAtExpiry(
  source: AsyncIterable<ExecutionResult>,
  expiresAtMs: number,
): AsyncIterableIterator<ExecutionResult> {
  const inner = source[Symbol.asyncIterator]();
  let finished = false;
  let wake!: () => void;
  const stopped = new Promise<'stopped'>((resolve) => {
    wake = () => resolve('stopped');
  });
  const cancelTimer = atTime(expiresAtMs, () => wake());
  const finish = async (): Promise<Step> => {
    if (!finished) {
      finished = true;
      cancelTimer();
      wake();
      await inner.return?.();
    }
    return DONE;
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<Step> {
      if (finished) return DONE;
      const step = await Promise.race([inner.next(), stopped]);
      if (step === 'stopped') {
        // Stopped by return() (the client left): done. By the timer: say why, then done.
        if (finished) return DONE;
        await finish();
        return { done: false, value: expiredResult() };
      }
      if (step.done) await finish();
      return step as Step;
    },
    return: finish,
    async throw(error: unknown): Promise<Step> {
      await finish();
      throw error;
    },
  };
}
