import { AuthError, createTokenVerifier } from '../auth/jwt.ts';
import type { AppConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { PubSub } from '../pubsub/index.ts';
import { unauthenticated } from '../resolvers/errors.ts';
import type { Services } from '../resolvers/index.ts';
import type { Context, Viewer } from '../schema/context.ts';

/** What Yoga hands the context factory: an HTTP request, or graphql-ws connection params. */
type InitialContext = { request?: Request; connectionParams?: Record<string, unknown> };

export function createContextFactory(deps: { config: AppConfig; db: Db; pubsub: PubSub; services: Services }) {
  const verify = createTokenVerifier(deps.config.authSecret);

  async function viewerFrom(authorization: unknown): Promise<Viewer | null> {
    if (authorization !== undefined && authorization !== null && typeof authorization !== 'string') {
      throw unauthenticated('authorization must be a string: "Bearer <token>"');
    }
    try {
      const identity = await verify(authorization as string | null | undefined);
      if (identity) await deps.services.users.ensureSignedIn(identity.userID);
      return identity;
    } catch (error) {
      if (error instanceof AuthError) throw unauthenticated(error.message);
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
        ? initial.connectionParams.authorization
        : initial.request?.headers.get('authorization');
      return { viewer: await viewerFrom(authorization), ...deps };
    },
  };
}
