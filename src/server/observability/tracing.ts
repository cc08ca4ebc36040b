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
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export type TracingSettings = { endpoint: string; serviceName: string };

/** The tracer provider is global to the process (OpenTelemetry's API has one): set up once. */
let provider: NodeTracerProvider | undefined;

export function startTracing(settings: TracingSettings): { flush(): Promise<void> } {
  if (!provider) {
    const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    provider.register();
    const prisma = new PrismaInstrumentation();
    prisma.setTracerProvider(provider);
    prisma.enable();
  }
  const active = provider;
  return { flush: () => active.forceFlush() };
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
