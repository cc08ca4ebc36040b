// Logs, metrics and traces of a real app: JSON access lines with request ids, one line per error,
// /metrics after a markRead (and 404 in production unless enabled), and a markRead trace with its
// SQL spans received by an OTLP/HTTP receiver on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { settle, startTestApp, subscribe, type TestApp } from './helpers/app.ts';
import { RECEIPT_UPDATED } from './helpers/operations.ts';
import { send } from './helpers/receipts.ts';

const MARK_READ_NAMED = 'mutation MarkRead($msgIDs: [ID!]!) { markRead(msgIDs: $msgIDs) { msgID isPeerRead } }';

type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string }[];
};

/** An OTLP/HTTP receiver (JSON encoding): the spans it was sent. */
const received: OtlpSpan[] = [];
let receiver: Server;
const lines: Record<string, unknown>[] = [];
let t: TestApp;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans) received.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  const logTo = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  t = await startTestApp({ LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, { logTo });
});
afterAll(async () => {
  await t?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function post(userID: string, query: string, variables: object, headers: Record<string, string> = {}) {
  return t.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(userID)}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

/** A message from alice that bob reads, with the markRead response. */
async function markReadOnce(headers: Record<string, string> = {}) {
  const msgID = await send(t, 'alice', 'C2Cbob', 'hello');
  const response = await post('bob', MARK_READ_NAMED, { msgIDs: [msgID] }, headers);
  expect(((await response.json()) as { data: unknown }).data).toEqual({ markRead: [{ msgID, isPeerRead: true }] });
  return response;
}

/** The value of one series in Prometheus text, or undefined when absent. */
function series(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

describe('logs', () => {
  it('writes one JSON access line per operation, with the request id it was given, echoed back', async () => {
    const response = await markReadOnce({ 'x-request-id': 'edge-7f3a9c' });
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a9c');
    const access = lines.filter((l) => l.requestId === 'edge-7f3a9c' && l.msg === 'graphql');
    expect(access).toEqual([
      expect.objectContaining({
        operation: 'MarkRead',
        type: 'mutation',
        user: 'bob',
        result: 'ok',
        status: 200,
        transport: 'http',
      }),
    ]);
    expect(typeof access[0].ms).toBe('number');
  });

  it('generates a request id when none (or an unsafe one) comes in', async () => {
    const variants: Record<string, string>[] = [
      {},
      { 'x-request-id': 'two\u2028lines' },
      { 'x-request-id': 'x'.repeat(300) },
    ];
    for (const headers of variants) {
      const response = await markReadOnce(headers);
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.filter((l) => l.requestId === id && l.msg === 'graphql')).toHaveLength(1);
    }
  });

  it('logs a refused operation with its code, and a database failure as one error line', async () => {
    const refused = await t.app.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope', 'x-request-id': 'refused-1' },
      body: JSON.stringify({ query: 'query Me { me { userID } }' }),
    });
    expect(refused.headers.get('x-request-id')).toBe('refused-1');
    expect(lines.find((l) => l.requestId === 'refused-1')).toMatchObject({
      result: 'UNAUTHENTICATED',
      operation: 'Me',
    });
    // Refused before its parameters are read: still one line, with its status and error code.
    const big = `query Big { me { userID } } # ${'x'.repeat(t.config.maxRequestBytes)}`;
    const tooBig = await post('alice', big, {}, { 'x-request-id': 'too-big-1' });
    expect(tooBig.status).toBe(413);
    expect(lines.filter((l) => l.requestId === 'too-big-1')).toEqual([
      expect.objectContaining({ msg: 'graphql', result: expect.not.stringMatching(/^ok$/), status: 413 }),
    ]);

    // A table gone missing: Prisma's message for that is ~20 lines with a code frame.
    const before = lines.length;
    await t.db.$executeRawUnsafe('ALTER TABLE "Message" RENAME TO "MessageAway"');
    try {
      const failed = await post(
        'alice',
        'query Chat { messages(conversationID: "C2Cbob") { edges { cursor } } }',
        {},
        {
          'x-request-id': 'broken-1',
        },
      );
      expect(((await failed.json()) as { errors: { message: string }[] }).errors[0].message).toBe('Unexpected error.');
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE "MessageAway" RENAME TO "Message"');
    }
    const mine = lines.slice(before).filter((l) => l.requestId === 'broken-1');
    const errors = mine.filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toMatch(/MessageAway|Message/);
    expect(mine.find((l) => l.msg === 'graphql')).toMatchObject({ operation: 'Chat', result: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('metrics', () => {
  it('serves operations, latency, batch sizes, sockets, subscriptions and events after a markRead', async () => {
    const client = await t.wsClient('alice');
    const live = subscribe(client, RECEIPT_UPDATED);
    await settle();
    await markReadOnce();
    await live.next(1);
    const response = await t.app.yoga.fetch('http://test/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    const positive = (name: string, labels = '') =>
      expect(series(text, name, labels), `${name}{${labels}}`).toBeGreaterThan(0);
    positive('graphql_operations_total', 'operation="MarkRead",type="mutation",result="ok"');
    positive('graphql_operation_duration_seconds_count', 'operation="MarkRead",type="mutation"');
    positive('markread_batch_calls_count');
    positive('markread_batch_message_ids_sum');
    positive('websocket_connections');
    positive('graphql_live_subscriptions');
    positive('pubsub_events_published_total', 'topic="receipts:sender"');
    positive('subscription_events_delivered_total');
    if (process.env.TEST_PROVIDER === 'postgresql') positive('db_pool_connections', 'state="total"');
    // The graphql-ws subscription has its access line too.
    expect(lines).toContainEqual(
      expect.objectContaining({ transport: 'ws', type: 'subscription', user: 'alice', result: 'ok' }),
    );
    live.dispose();
  });

  it('is 404 in production unless METRICS_ENABLED=true', async () => {
    const production = await startTestApp({ NODE_ENV: 'production' });
    try {
      expect((await production.app.yoga.fetch('http://test/metrics')).status).toBe(404);
    } finally {
      await production.stop();
    }
    const env = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) };
    expect(loadConfig({ ...env, METRICS_ENABLED: 'true' }).metrics).toBe(true);
    expect(loadConfig(env).metrics).toBe(false);
  });
});

describe('traces', () => {
  it("exports a markRead trace with its SQL spans to the OTLP endpoint, under the caller's trace", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await markReadOnce({ traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    await t.app.flushTelemetry();
    const root = received.find((s) => s.name === 'graphql.mutation MarkRead' && s.traceId === callerTrace);
    expect(root, received.map((s) => s.name).join(', ')).toBeDefined();
    expect(root?.parentSpanId).toBe('00f067aa0ba902b7');
    const trace = received.filter((s) => s.traceId === root?.traceId);
    const sql = trace.filter((s) => s.attributes?.some((a) => a.key === 'db.query.text'));
    // On SQLite the batch runs on prepared statements; on PostgreSQL through Prisma.
    expect(sql.length, trace.map((s) => s.name).join(', ')).toBeGreaterThan(0);
    expect(trace.some((s) => /insert/i.test(JSON.stringify(s.attributes)))).toBe(true);
  });
});
