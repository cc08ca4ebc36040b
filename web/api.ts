// The page's GraphQL client: queries and mutations over HTTP (fetch), receipts over graphql-ws.
// Every operation is a typed document generated from web/operations/*.graphql (npm run codegen).
import { type Client, createClient } from 'graphql-ws';
import type { TypedDocumentString } from './gql/graphql.ts';

type GraphQLErrorLike = { message: string; extensions?: { code?: string } };

export class ApiError extends Error {
  readonly errors: GraphQLErrorLike[];

  constructor(errors: GraphQLErrorLike[]) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; '));
    this.errors = errors;
  }
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, onLive: (state: LiveState, reconnected: boolean) => void) {
  const endpoint = new URL('/graphql', location.href);
  const authorization = `Bearer ${token}`;
  let connectedBefore = false;

  const ws: Client = createClient({
    url: endpoint.href.replace(/^http/, 'ws'),
    connectionParams: { authorization },
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    // 4403: the token was refused or has expired; retrying will not help.
    shouldRetry: (event) => (event as { code?: number } | null)?.code !== 4403,
    onNonLazyError: () => {},
    on: {
      connected: () => {
        onLive('live', connectedBefore);
        connectedBefore = true;
      },
      closed: () => onLive(connectedBefore ? 'reconnecting' : 'connecting', false),
    },
  });

  onLive('connecting', false);

  async function request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization,
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await response.json()) as { data?: R | null; errors?: GraphQLErrorLike[] };
    if (body.errors?.length) throw new ApiError(body.errors);
    if (!body.data) throw new ApiError([{ message: `HTTP ${response.status}` }]);
    return body.data;
  }

  /** Starts a subscription; returns its stop function. */
  function subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    onData: (data: R) => void,
    onError: (error: unknown) => void,
  ): () => void {
    return ws.subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) onError(new ApiError(result.errors as GraphQLErrorLike[]));
          else if (result.data) onData(result.data);
        },
        error: onError,
        complete: () => {},
      },
    );
  }

  return { request, subscribe, dispose: () => ws.dispose() };
}

/** A token for a seeded user from the dev-only endpoint; null when the server has none (production). */
export async function devToken(userID: string): Promise<string | null> {
  const response = await fetch(`/dev/token?userID=${encodeURIComponent(userID)}`);
  if (response.status === 404) return null;
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.token;
}
