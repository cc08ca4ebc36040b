// One access line and one set of metrics per GraphQL operation, over HTTP (POST/GET/SSE) and
// graphql-ws alike: operation name and type, user, duration, result (ok or the first error
// code), and a request id, taken from `x-request-id` when the caller (a proxy) sends a sane one,
// else generated, and echoed in the response header. Lines logged while serving it carry the id.
import { randomUUID } from 'node:crypto';
import { type ExecutionArgs, type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Logger, requestScope } from '../../logger.ts';
import { eventsDelivered, liveSubscriptions, operationSeconds, operationsTotal } from '../../metrics.ts';

/** Letters, digits and a few URL-safe marks, up to 128: a trace id or UUID fits, log injection does not. */
const REQUEST_ID = /^[\w.:@+=/-]{1,128}$/;
/** Operation names are the client's choice: past this many distinct ones, new names count as "other". */
const MAX_OPERATION_LABELS = 200;
/** The name of a document's first operation, for requests refused before it is parsed. */
const FIRST_OPERATION_NAME = /^\s*(?:query|mutation|subscription)\s+(\w+)/;

type Observed = {
  requestId: string;
  start: number;
  transport: 'http' | 'ws';
  /** GraphQL parameters were read: an operation, not GraphiQL's page. */
  isOperation?: boolean;
  /** The request was for the GraphQL endpoint (Yoga's parsed URL, read once). */
  atEndpoint?: boolean;
  operation?: string;
  type?: string;
  user?: string;
  result?: string;
};

export function useOperationObserver(logger: Logger): Plugin {
  const byRequest = new WeakMap<Request, Observed>();
  const byContext = new WeakMap<object, Observed>();
  const labels = new Set<string>();
  let graphqlEndpoint = '/graphql';

  const label = (name: string | undefined) => {
    if (!name) return 'anonymous';
    if (labels.has(name)) return name;
    if (labels.size >= MAX_OPERATION_LABELS || !/^\w{1,64}$/.test(name)) return 'other';
    labels.add(name);
    return name;
  };

  function finish(observed: Observed, status?: number) {
    const seconds = (performance.now() - observed.start) / 1000;
    const operation = label(observed.operation);
    const type = observed.type ?? 'unknown';
    const result = observed.result ?? (status && status >= 400 ? `HTTP_${status}` : 'ok');
    operationsTotal.inc({ operation, type, result });
    operationSeconds.observe({ operation, type }, seconds);
    const { requestId, transport, user } = observed;
    const line = {
      requestId,
      transport,
      operation: observed.operation,
      type,
      user,
      ms: round(seconds * 1000),
      result,
      status,
    };
    if (result === 'INTERNAL_SERVER_ERROR' || (status ?? 0) >= 500) logger.warn(line, 'graphql');
    else logger.info(line, 'graphql');
  }

  /** The HTTP request's record, or a new one for a graphql-ws operation (no Request there). */
  function observedFor(args: ExecutionArgs): Observed {
    const context = args.contextValue as { request?: Request; viewer?: { userID: string } | null };
    let observed = context.request ? byRequest.get(context.request) : byContext.get(context);
    if (!observed) {
      observed = {
        requestId: requestScope.getStore()?.requestId ?? randomUUID(),
        start: performance.now(),
        transport: 'ws',
      };
      byContext.set(context, observed);
    }
    const operation = getOperationAST(args.document, args.operationName);
    observed.operation = operation?.name?.value ?? args.operationName ?? observed.operation;
    observed.type = operation?.operation;
    observed.user = context.viewer?.userID;
    return observed;
  }

  // graphql-ws operations get their id here; HTTP ones already have theirs from the request.
  const inScope = (context: { request?: Request }, wrapped: () => unknown) =>
    context.request || requestScope.getStore() ? wrapped() : requestScope.run({ requestId: randomUUID() }, wrapped);

  return {
    onYogaInit({ yoga }) {
      graphqlEndpoint = yoga.graphqlEndpoint;
    },
    instrumentation: {
      request({ request }, wrapped) {
        const header = request.headers.get('x-request-id');
        const requestId = header && REQUEST_ID.test(header) ? header : randomUUID();
        byRequest.set(request, { requestId, start: performance.now(), transport: 'http' });
        return requestScope.run({ requestId }, wrapped);
      },
      execute: ({ context }, wrapped) => inScope(context, wrapped) as ReturnType<typeof wrapped>,
      subscribe: ({ context }, wrapped) => inScope(context, wrapped) as ReturnType<typeof wrapped>,
    },
    onRequest({ request, url }) {
      const observed = byRequest.get(request);
      if (observed) observed.atEndpoint = url.pathname === graphqlEndpoint;
    },
    onParams({ params, request }) {
      const observed = byRequest.get(request);
      if (!observed) return;
      observed.isOperation = true;
      observed.operation = params.operationName ?? FIRST_OPERATION_NAME.exec(params.query ?? '')?.[1];
    },
    onExecute({ args }) {
      const observed = observedFor(args);
      if (observed.transport === 'http') return;
      return { onExecuteDone: ({ result }) => finish(Object.assign(observed, { result: resultOf(result) })) };
    },
    onSubscribe({ args }) {
      const observed = observedFor(args);
      return {
        onSubscribeResult({ result }) {
          if (observed.transport === 'ws') finish(Object.assign(observed, { result: resultOf(result) }));
          if (!(Symbol.asyncIterator in result)) return;
          liveSubscriptions.inc();
          return { onNext: () => eventsDelivered.inc(), onEnd: () => liveSubscriptions.dec() };
        },
      };
    },
    onResultProcess({ request, result }) {
      const observed = byRequest.get(request);
      if (observed) observed.result = resultOf(result);
    },
    onResponse({ request, response }) {
      const observed = byRequest.get(request);
      if (!observed) return;
      response.headers.set('x-request-id', observed.requestId);
      // Requests refused before their parameters are read (size, CSRF) count too.
      const refused = response.status >= 400;
      // Answered before this plugin's onRequest ran: the URL is parsed here instead.
      const atEndpoint = observed.atEndpoint ?? new URL(request.url).pathname === graphqlEndpoint;
      if ((observed.isOperation || refused) && atEndpoint) {
        finish(observed, response.status);
      }
    },
  };
}

/** "ok", or the first error's code; a stream is "ok" once it starts. */
function resultOf(result: unknown): string {
  const first = Array.isArray(result) ? result[0] : result;
  const errors = (first as ExecutionResult | undefined)?.errors;
  if (!errors?.length) return 'ok';
  const code = errors[0].extensions?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'ERROR';
}

const round = (ms: number) => Math.round(ms * 10) / 10;
