// Real server processes for the scale-out tests: `node src/server/main.ts` on a free
// port, plus plain HTTP and graphql-ws clients that talk to them over real sockets.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { signToken } from '../../src/auth/jwt.ts';
import { freePort } from '../setup/servers.ts';
import { TEST_SECRET } from './app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export { freePort };

export type ServerProcess = Awaited<ReturnType<typeof spawnServer>>;

/** Starts `src/server/main.ts` in its own process; it migrates DATABASE_URL on start. */
export async function spawnServer(env: {
  DATABASE_URL: string;
  REDIS_URL?: string;
  [setting: string]: string | undefined;
}) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['src/server/main.ts'], {
    cwd: ROOT,
    // LOG_LEVEL: tests are silent by default, but these read the server's start and stop lines.
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', AUTH_SECRET: TEST_SECRET, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    graphql: `${base}/graphql`,
    ws: `ws://127.0.0.1:${port}/graphql`,
    child,
    exited,
    output: () => output,
    /** Polls GET /health until it answers 200; fails if the process exits first. */
    async waitHealthy(timeoutMs = 45_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      while (!gone && Date.now() < deadline) {
        const status = await fetch(`${base}/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`server on ${port} never became healthy:\n${output}`);
    },
    /** Ends the process if it still runs (afterAll); safe to call twice. */
    async kill(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export const bearer = async (userID: string) => `Bearer ${await signToken(TEST_SECRET, userID, '1h')}`;

/** One GraphQL POST over a real socket; rejects on a connection error, never on GraphQL errors. */
export async function postGql<T = Record<string, any>>(
  url: string,
  userID: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<FormattedExecutionResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await bearer(userID) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as FormattedExecutionResult<T>;
}

/** Like postGql, but throws on GraphQL errors too. */
export async function okGql<T = Record<string, any>>(
  url: string,
  userID: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await postGql<T>(url, userID, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** A graphql-ws client signed in as userID; `closes` records the close codes it sees. */
export async function wsClientFor(wsUrl: string, userID: string): Promise<{ client: Client; closes: number[] }> {
  const closes: number[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: await bearer(userID) },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {}, // the close is recorded below; the default would print it
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  return { client, closes };
}

/** Runs one SQL query on its own connection (independent of any server process). */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `condition` (every 50 ms) until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The error code behind a failed fetch (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, ...). */
export function connectionErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? String((error as Error)?.message ?? error);
}
