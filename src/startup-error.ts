// A mistake in how the server was started (a setting, the database, the port), as opposed to a
// bug. main.ts prints its message as one line on stderr and exits 1, with no stack: the message
// names the setting and what to do.
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Node's system error code (EADDRINUSE, ENOTDIR...) or a driver's (SQLITE_CANTOPEN, 57P03...). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
