// Start-up's first PostgreSQL connection (the migration's). A database that is not up yet
// (nothing listening, name not resolvable yet, still starting or shutting down: 57P03) is
// retried with backoff for a bounded time, so instances may start before their database; any
// other refusal (bad password, no such database) fails at once. Either way, one clear line.
// pg is loaded here, on first use: a SQLite server never loads it.
import type pg from 'pg';
import { errorCode, StartupError } from '../startup-error.ts';

/** Default for DATABASE_CONNECT_TIMEOUT_SECONDS; see src/config.ts. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** Backoff between attempts: doubles from the first to the last, then stays there. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

const NOT_UP_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', '57P03']);

/** PostgreSQL is not (yet) taking connections: worth another try. */
export function isNotUpYet(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  // 08xxx: connection exceptions; pg's "Connection terminated" (no code): the server hung up.
  return NOT_UP_YET.has(code) || code.startsWith('08') || /Connection terminated/.test(String(error));
}

/** host:port/database of a postgresql:// URL, never its password. */
export function describeServer(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * Runs `work` with a fresh connection, again after a backoff while PostgreSQL is not up yet,
 * until `timeoutMs` has passed. `work` must be safe to rerun (the migration is: each file is
 * one transaction, and what is applied is read again).
 */
export async function withStartupConnection<T>(
  databaseUrl: string,
  timeoutMs: number,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const { Client } = (await import('pg')).default;
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: databaseUrl });
    // An error after connect (the server going away) must not become an uncaught 'error' event.
    client.on('error', () => {});
    let connected = false;
    try {
      await client.connect();
      connected = true;
      return await work(client);
    } catch (error) {
      if (error instanceof StartupError) throw error;
      const server = describeServer(databaseUrl);
      const code = errorCode(error) ?? 'no code';
      if (!isNotUpYet(error)) {
        // A failure of the work itself (a migration's SQL) is not about the connection.
        if (connected) throw error;
        throw new StartupError(
          `PostgreSQL at ${server} (DATABASE_URL) refused start-up: ${oneLine(error)} (${code}). Fix DATABASE_URL (user, password, database).`,
        );
      }
      if (Date.now() + delay > deadline) {
        throw new StartupError(
          `PostgreSQL at ${server} (DATABASE_URL) is not reachable after ${Math.round(timeoutMs / 1000)} s: ${oneLine(error)} (${code}). Start PostgreSQL, fix DATABASE_URL, or raise DATABASE_CONNECT_TIMEOUT_SECONDS.`,
        );
      }
      if (attempt === 1) {
        console.log(`[db] PostgreSQL at ${server} is not up yet (${code}): retrying for up to ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

function oneLine(error: unknown): string {
  // net's AggregateError (every address of a host refused) has an empty message.
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.split('\n')[0];
}
