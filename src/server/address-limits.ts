// Callers without a valid token, limited per client address (UNAUTHENTICATED_REQUESTS_PER_MINUTE).
// No field answers them, so an honest client sends few such requests; a CPU burner sends
// thousands. Counted before the body is parsed, on HTTP and on graphql-ws. In memory, per
// instance: Redis may be down, and an instance only needs to protect its own CPU. Behind a
// proxy every caller has the proxy's address: they then share one budget (see SECURITY.md).
import type { IncomingMessage } from 'node:http';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from './rate-limits.ts';

/** True when the Authorization value carries a token that verifies. */
export type TokenCheck = (authorization: unknown) => Promise<boolean>;

export type AddressLimiter = {
  /** Counts one unauthenticated call from `address`; the error to answer with when over. */
  consume(address: string | undefined): Promise<GraphQLError | null>;
};

export function createAddressLimiter(perMinute: number): AddressLimiter {
  const limiter = new RateLimiterMemory({ keyPrefix: 'unauthenticated', points: perMinute, duration: 60 });
  return {
    async consume(address) {
      // In-process callers (yoga.fetch in tests and the benchmark) have no address.
      if (address === undefined) return null;
      try {
        await limiter.consume(address);
        return null;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return rateLimited('requests without a valid token', rejection.msBeforeNext, true);
      }
    },
  };
}

/** HTTP: requests whose token is missing or does not verify count against their address. */
export function useUnauthenticatedLimit(limiter: AddressLimiter, isSignedIn: TokenCheck): Plugin {
  return {
    async onRequestParse({ request, serverContext }) {
      if (await isSignedIn(request.headers.get('authorization'))) return;
      const req = (serverContext as { req?: IncomingMessage }).req;
      const refusal = await limiter.consume(req?.socket.remoteAddress);
      if (refusal) throw refusal;
    },
  };
}
