// A real app per test file: its own SQLite database (or PostgreSQL schema), migrations applied,
// GraphQL through yoga.fetch, and a real port for graphql-ws clients.
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import type { DestinationStream } from 'pino';
import WebSocket from 'ws';
import { signToken } from '../../src/auth/jwt.ts';
import { loadConfig, MUTATION_RATE_LIMITS } from '../../src/config.ts';
import { type App, buildApp } from '../../src/server/app.ts';
import { freshDatabase } from './databases.ts';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';

/** Settings that put every mutation's rate limit out of the way, for tests that write a lot. */
export const NO_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  Object.values(MUTATION_RATE_LIMITS).map(({ setting }) => [setting, '1000000']),
);

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export type GqlResult<T = Record<string, any>> = FormattedExecutionResult<T>;

/** `logTo`: where the app's log lines go (set LOG_LEVEL in env: tests are silent by default). */
export async function startTestApp(env: Record<string, string> = {}, options: { logTo?: DestinationStream } = {}) {
  const database = env.DATABASE_URL ? { url: env.DATABASE_URL, drop: async () => {} } : await freshDatabase();
  const databaseUrl = database.url;
  // Quiet even as NODE_ENV=production, unless a test asks for the lines (LOG_LEVEL, logTo).
  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const sql: string[] = [];
  const app: App = await buildApp({ config, onQuery: (q) => sql.push(q), logTo: options.logTo });
  // One listening server however many sockets open at once (Promise.all of wsClient calls).
  let listening: Promise<string> | undefined;
  const clients: Client[] = [];

  async function token(userID: string, expiresIn: string | number = '1h') {
    return signToken(TEST_SECRET, userID, expiresIn);
  }

  /** Runs one operation as `userID` (or with no token when userID is null). */
  async function gql<T = Record<string, any>>(
    userID: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (userID) headers.authorization = `Bearer ${await token(userID)}`;
    const response = await app.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlResult<T>;
  }

  /** Like gql, but fails the test on any error. */
  async function ok<T = Record<string, any>>(
    userID: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T> {
    const result = await gql<T>(userID, query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  /** A graphql-ws client on the real port, signed in as userID. */
  async function wsClient(userID: string | null, connectionParams?: Record<string, unknown>): Promise<Client> {
    listening ??= app.start(0);
    const url = await listening;
    const authorization = userID ? `Bearer ${await token(userID)}` : undefined;
    const client = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: connectionParams ?? (authorization ? { authorization } : {}),
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    clients.push(client);
    return client;
  }

  return {
    app,
    config,
    databaseUrl,
    sql,
    gql,
    ok,
    token,
    wsClient,
    db: app.db,
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
      await database.drop();
    },
  };
}

/** Collects events of one subscription; `next(n)` waits until n have arrived. */
export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>) {
  const events: FormattedExecutionResult<T, unknown>[] = [];
  let waiters: (() => void)[] = [];
  let error: unknown;
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        events.push(value);
        for (const w of waiters) w();
        waiters = [];
      },
      error: (e) => {
        error = e;
        for (const w of waiters) w();
      },
      complete: () => {},
    },
  );
  return {
    events,
    dispose,
    get error() {
      return error;
    },
    async next(count: number, timeoutMs = 5_000): Promise<FormattedExecutionResult<T, unknown>[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} events, got ${events.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
      return events.slice(0, count);
    },
  };
}

/** Waits for the subscription to be live on the server (graphql-ws acknowledges nothing per subscribe). */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
