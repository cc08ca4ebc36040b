// One pino logger per app: JSON lines in production (what log shippers read), pino-pretty in
// development when it is installed (a devDependency), silent in tests unless LOG_LEVEL says so.
// Every entry is one line: errors are summarised (type, code, message on one line, where),
// because Prisma's messages carry a multi-line code frame.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** The request id of the operation being served, so that any line logged under it carries it. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Longest error message kept in a log line: enough for any real message, not for a dumped payload. */
const MAX_MESSAGE_CHARS = 1_000;

export function createLogger(options: { level: string; production: boolean }, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level,
    base: undefined,
    serializers: { err: summariseError },
    // Each line is tagged with the request it belongs to, when there is one.
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { requestId: scope.requestId } : {};
    },
  };
  if (destination) return pino(settings, destination);
  const pretty = !options.production && options.level !== 'silent' ? prettyStream() : undefined;
  return pretty ? pino(settings, pretty) : pino(settings);
}

/** pino-pretty on the main thread (no worker), or nothing when it is not installed. */
function prettyStream(): DestinationStream | undefined {
  try {
    const build = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return build({ singleLine: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' });
  } catch {
    return undefined;
  }
}

/** The line-worthy parts of an error: no multi-line message, one stack frame. */
type ErrorSummary = { type?: string; code?: string; message: string; at?: string; cause?: ErrorSummary };

export function summariseError(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { message: oneLine(String(error)) };
  const code = (error as { code?: unknown }).code ?? (error as { extensions?: { code?: unknown } }).extensions?.code;
  const cause = (error as { originalError?: unknown }).originalError ?? error.cause;
  return {
    type: error.name,
    ...(code !== undefined ? { code: String(code) } : {}),
    message: oneLine(error.message),
    at: error.stack
      ?.split('\n')
      .find((line) => line.trimStart().startsWith('at '))
      ?.trim(),
    ...(cause instanceof Error && cause !== error ? { cause: causeOf(error.message, cause) } : {}),
  };
}

/** A wrapped error (GraphQLError around Prisma's) often repeats its cause's message: keep it once. */
function causeOf(message: string, cause: Error): ErrorSummary {
  const summary = summariseError(cause);
  return cause.message === message ? { ...summary, message: '(same)' } : summary;
}

/** Joins the meaningful lines; drops the source excerpt Prisma prints (`  12 | ...`, `→ 12 ...`). */
export function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(→\s*)?\d+\s*(\||\s)/.test(line));
  // A long message (Prisma's: the call, the query it was given, then the reason) keeps its ends.
  const kept = lines.length > 4 ? [lines[0], '…', lines[lines.length - 1]] : lines;
  const joined = kept.join(' ⏎ ');
  return joined.length > MAX_MESSAGE_CHARS ? `${joined.slice(0, MAX_MESSAGE_CHARS)}…` : joined;
}

/** Yoga's logger interface on pino: its errors become one summarised line each. */
export function yogaLogger(logger: Logger) {
  const at =
    (level: 'trace' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      // Yoga traces every request's phases: nothing is formatted for a level that is off.
      if (!logger.isLevelEnabled(level)) return;
      const error = args.find((arg) => arg instanceof Error);
      const text = args
        .filter((arg) => !(arg instanceof Error))
        .map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
      if (error) logger[level]({ err: error }, text.join(' ') || `graphql: ${oneLine(error.message).slice(0, 120)}`);
      else logger[level](text.join(' '));
    };
  // Yoga's debug lines trace each request's phases: pino's trace level, not debug.
  return { debug: at('trace'), info: at('info'), warn: at('warn'), error: at('error') };
}
