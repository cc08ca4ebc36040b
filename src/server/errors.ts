// What clients see of unexpected errors: nothing internal, but a database outage is named as
// such (SERVICE_UNAVAILABLE) so clients know to retry, instead of a bare "Unexpected error.".
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';

// Connection failures by message (drivers) and by SQLSTATE: class 08 (connection exception),
// 57P01-57P03 (shutdown, crash, cannot connect now), 55000 when a database refuses connections.
const DATABASE_DOWN = new RegExp(
  [
    'ECONNREFUSED|ECONNRESET|EPIPE|Connection terminated|connection (is )?(closed|refused)|terminating connection',
    "not (currently )?accepting connections|does not allow connections|is not queryable|Can't reach database",
    'the database system is (starting up|shutting down)|timed out fetching a new connection',
    'SQLITE_BUSY|database is locked|P1001|P1017|P2024|Code: `(08\\w{3}|57P0[123])`',
  ].join('|'),
  'i',
);

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
