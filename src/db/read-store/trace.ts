// The read stores' statements bypass Prisma, so they get their own trace spans, named and
// described as Prisma's are (a no-op span without tracing).
import { type Span, SpanKind, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('read-receipts');

/** A span for one statement; the caller ends it when the statement has run. */
export function traceStatement(system: 'sqlite' | 'postgresql', name: string, sql: string): Span {
  return tracer.startSpan(`${system} ${name}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': system, 'db.operation.name': name, 'db.query.text': sql },
  });
}
