// What clients see of unexpected errors: nothing internal, but a database outage is named as
// such (SERVICE_UNAVAILABLE) so clients know to retry, instead of a bare "Unexpected error.".
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';

const DATABASE_DOWN =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connection (is )?(closed|refused)|terminating connection|does not allow connections|the database system is (starting up|shutting down)|Can't reach database|P1001|P1017|SQLITE_BUSY|database is locked|timed out fetching a new connection|P2024/i;

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    if (e instanceof Error) parts.push(e.message, String((e as { code?: unknown }).code ?? ''));
    else parts.push(JSON.stringify(e));
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return parts.join(' ');
}

export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  if (DATABASE_DOWN.test(describe(error))) {
    return new GraphQLError('the database is unavailable: try again shortly', {
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }
  return yogaMaskError(error, message, isDev);
}
