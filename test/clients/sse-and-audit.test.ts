// graphql-sse's client (distinct connections mode, which Yoga serves as is) and the
// graphql-http server audit (GraphQL over HTTP spec conformance).
import { serverAudits } from 'graphql-http';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { MARK_READ, RECEIPT_UPDATED } from '../helpers/operations.ts';
import { createGroup, send } from '../helpers/receipts.ts';
import { bearer, startServer, strangerPoke, untilLive, waitFor } from './setup.ts';

let t: TestApp;
let url: string;
beforeAll(async () => {
  ({ t, url } = await startServer());
});
afterAll(() => t.stop());

/** Runs one subscription over SSE and collects what it yields until `stop()`. */
async function sse<T>(userID: string, query: string, variables: Record<string, unknown> = {}) {
  const client = createClient({ url, headers: { authorization: await bearer(t, userID) }, retryAttempts: 0 });
  const events: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => (r.data ? events.push(r.data) : errors.push(r.errors)),
      error: (e) => errors.push(e),
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    stop: () => {
      stop();
      client.dispose();
    },
  };
}

describe('graphql-sse client', () => {
  it('streams receiptUpdated', async () => {
    await createGroup(t, 'amy', 'sse', ['bo']);
    const msgID = await send(t, 'amy', 'GROUPsse', 'hi');
    const live = await sse<{ receiptUpdated: { msgID: string | null; readCount: number } }>('amy', RECEIPT_UPDATED);
    await untilLive(() => live.events.length > 0, strangerPoke(t, 'amy'));
    await t.ok('bo', MARK_READ, { msgIDs: [msgID] });
    await waitFor(() => live.events.some((e) => e.receiptUpdated.msgID === msgID));
    expect(live.events.find((e) => e.receiptUpdated.msgID === msgID)?.receiptUpdated.readCount).toBe(1);
    live.stop();
  });

  it('streams messageAdded, for members only', async () => {
    const query = 'subscription($c: String) { messageAdded(conversationID: $c) { text conversationID } }';
    const live = await sse<{ messageAdded: { text: string } }>('bo', query, { c: 'GROUPsse' });
    await untilLive(
      () => live.events.length > 0,
      () => send(t, 'amy', 'GROUPsse', 'poke'),
    );
    await send(t, 'amy', 'GROUPsse', 'over sse');
    await waitFor(() => live.events.some((e) => e.messageAdded.text === 'over sse'));
    live.stop();

    const outsider = await sse('cy', query, { c: 'GROUPsse' });
    await waitFor(() => outsider.errors.length > 0);
    expect(JSON.stringify(outsider.errors)).toContain('FORBIDDEN');
    outsider.stop();
  });
});

describe('graphql-http server audit', () => {
  it('passes every audit (no error, no warning)', async () => {
    const authorization = await bearer(t, 'auditor');
    // The audit's own requests, signed in as a client would be.
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    };
    const results = await Promise.all(
      serverAudits({ url, fetchFn }).map(async (audit) => ({ audit, result: await audit.fn() })),
    );
    const failed = results.filter(({ result }) => result.status !== 'ok');
    expect(failed.map(({ audit, result }) => `${audit.name}: ${result.status}`)).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});
