import { GraphQLError } from 'graphql';
import { AuthError, createTokenVerifier, KeySetUnavailable } from '../auth/jwt.ts';
import type { AppConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { PubSub } from '../pubsub/index.ts';
import { unauthenticated } from '../resolvers/errors.ts';
import type { Services } from '../resolvers/index.ts';
import type { Context, Viewer } from '../schema/context.ts';

/** What Yoga hands the context factory: an HTTP request, or graphql-ws connection params. */
type InitialContext = { request?: Request; connectionParams?: Record<string, unknown> };

/**
 * The token in graphql-ws connectionParams. Clients and guides spell it several ways
 * (authorization, Authorization, headers.Authorization, authToken), some without "Bearer ":
 * all mean the same bearer token. A bad one is still refused, whatever its spelling.
 */
export function authorizationFromParams(params: Record<string, unknown> | null | undefined): unknown {
  if (!params) return undefined;
  const headers = (params.headers && typeof params.headers === 'object' ? params.headers : {}) as Record<
    string,
    unknown
  >;
  const value =
    params.authorization ?? params.Authorization ?? headers.Authorization ?? headers.authorization ?? params.authToken;
  if (typeof value === 'string' && value.trim() !== '' && !/^bearer\s/i.test(value.trim())) {
    return `Bearer ${value.trim()}`;
  }
  return value;
}

export function createContextFactory(deps: { config: AppConfig; db: Db; pubsub: PubSub; services: Services }) {
  const verify = createTokenVerifier({ secret: deps.config.authSecret, ...deps.config.auth });

  async function viewerFrom(authorization: unknown): Promise<Viewer | null> {
    if (authorization !== undefined && authorization !== null && typeof authorization !== 'string') {
      throw unauthenticated('the token must be a string: "Bearer <token>"');
    }
    try {
      const identity = await verify(authorization as string | null | undefined);
      if (identity) await deps.services.users.ensureSignedIn(identity.userID);
      return identity;
    } catch (error) {
      if (error instanceof AuthError) throw unauthenticated(error.message);
      if (error instanceof KeySetUnavailable) {
        throw new GraphQLError('sign-in is unavailable: try again shortly', {
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        });
      }
      throw error;
    }
  }

  return {
    viewerFrom,
    /** True when `authorization` carries a token that verifies (no user row is touched). */
    verifies: (authorization: unknown) =>
      typeof authorization === 'string' && authorization !== ''
        ? verify(authorization).then(Boolean, () => false)
        : Promise.resolve(false),
    async context(initial: InitialContext): Promise<Context> {
      const authorization = initial.connectionParams
        ? authorizationFromParams(initial.connectionParams)
        : initial.request?.headers.get('authorization');
      return { viewer: await viewerFrom(authorization), ...deps };
    },
  };
}
