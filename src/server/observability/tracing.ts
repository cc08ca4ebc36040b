// OpenTelemetry traces over OTLP/HTTP (JSON), only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
// A span per GraphQL operation; under it Prisma's spans (@prisma/instrumentation, which works
// with driver adapters) and the SQLite read store's own statements (src/db/read-store/sqlite.ts).
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export type TracingSettings = { endpoint: string; serviceName: string };

/** The tracer provider is global to the process (OpenTelemetry's API has one): set up once. */
let provider: Promise<NodeTracerProvider> | undefined;

export async function startTracing(settings: TracingSettings): Promise<{ flush(): Promise<void> }> {
  provider ??= registerProvider(settings);
  const active = await provider;
  return { flush: () => active.forceFlush() };
}

/** The SDK is loaded only when tracing is on: it is most of a second of start-up on a busy machine. */
async function registerProvider(settings: TracingSettings): Promise<NodeTracerProvider> {
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, sdk, { PrismaInstrumentation }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
    import('@prisma/instrumentation'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const tracerProvider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  tracerProvider.register();
  const prisma = new PrismaInstrumentation();
  prisma.setTracerProvider(tracerProvider);
  prisma.enable();
  return tracerProvider;
}

const tracer = () => trace.getTracer('read-receipts');

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** Runs `wrapped` inside a new operation span, ended when it settles. */
function inSpan(parent: Context, wrapped: () => unknown) {
  const span = tracer().startSpan('graphql.operation', { kind: SpanKind.SERVER }, parent);
  const end = () => span.end();
  try {
    const result = context.with(trace.setSpan(parent, span), wrapped);
    if (result instanceof Promise) result.then(end, end);
    else end();
    return result;
  } catch (error) {
    end();
    throw error;
  }
}

/** Names the operation span once the document is known, and marks it failed when the result has errors. */
function describe(span: Span | undefined, args: ExecutionArgs) {
  if (!span) return;
  const operation = getOperationAST(args.document, args.operationName);
  const name = operation?.name?.value ?? 'anonymous';
  span.updateName(`graphql.${operation?.operation ?? 'operation'} ${name}`);
  span.setAttribute('graphql.operation.name', name);
  span.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
  const viewer = (args.contextValue as { viewer?: { userID: string } | null }).viewer;
  if (viewer) span.setAttribute('enduser.id', viewer.userID);
}

function markErrors(span: Span | undefined, result: unknown) {
  const errors = (result as { errors?: readonly { message: string }[] } | undefined)?.errors;
  if (span && errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0].message });
}

/** HTTP operations are spanned whole (context, parse, validate, execute); graphql-ws ones from execute. */
export function useTracing(): Plugin {
  const fromExecute = (ctx: { request?: Request }, wrapped: () => unknown) =>
    ctx.request ? wrapped() : inSpan(context.active(), wrapped);
  return {
    instrumentation: {
      // A caller's W3C traceparent (a gateway, a traced client) makes this span its child.
      operation: ({ request }, wrapped) =>
        inSpan(propagation.extract(context.active(), request.headers, headerGetter), wrapped) as ReturnType<
          typeof wrapped
        >,
      execute: ({ context: ctx }, wrapped) => fromExecute(ctx, wrapped) as ReturnType<typeof wrapped>,
      subscribe: ({ context: ctx }, wrapped) => fromExecute(ctx, wrapped) as ReturnType<typeof wrapped>,
    },
    onExecute({ args }) {
      const span = trace.getActiveSpan();
      describe(span, args);
      return { onExecuteDone: ({ result }) => markErrors(span, result) };
    },
    onSubscribe({ args }) {
      describe(trace.getActiveSpan(), args);
    },
  };
}
