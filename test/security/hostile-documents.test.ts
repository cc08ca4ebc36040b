// Unauthenticated CPU burn: a document of many cheap selections is refused before validation
// (QUERY_TOO_LARGE), and callers without a valid token are limited per client address. Each
// beside an honest request that passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_SELECTIONS } from '../../src/server/document-limits.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const UNAUTHENTICATED_PER_MINUTE = 5;
let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await startTestApp({ UNAUTHENTICATED_REQUESTS_PER_MINUTE: String(UNAUTHENTICATED_PER_MINUTE) });
  url = await t.app.start(0);
});
afterAll(() => t.stop());

/** `{ me { userID } }` n times: 2n selections. The reported attack used n = 700 (9.8 KB). */
const repeated = (n: number) => `{ ${'me { userID } '.repeat(n)}}`;

describe('documents with too many selections', () => {
  it('refuses the 700-fold document with QUERY_TOO_LARGE, with or without a token', async () => {
    for (const user of [null, 'alice']) {
      const result = await t.gql(user, repeated(700));
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LARGE');
      expect(result.data).toBeUndefined();
    }
  });

  it('answers a document just under the limit, and an ordinary one', async () => {
    const under = await t.gql('alice', repeated(MAX_SELECTIONS / 2));
    expect(under.errors).toBeUndefined();
    expect(await t.ok('alice', '{ me { userID } }')).toEqual({ me: { userID: 'alice' } });
  });

  it('counts selections inside fragments too', async () => {
    const spreads = Array.from({ length: MAX_SELECTIONS }, (_, i) => `...F${i}`).join(' ');
    const fragments = Array.from({ length: MAX_SELECTIONS }, (_, i) => `fragment F${i} on Query { me { userID } }`);
    const result = await t.gql('alice', `{ ${spreads} } ${fragments.join(' ')}`);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LARGE');
  });
});

/** POST /graphql over the real port (so the server sees the client's address). */
async function post(query: string, authorization?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

describe('unauthenticated requests per client address', () => {
  it('answers RATE_LIMITED past the limit, while a signed-in caller from the same address is served', async () => {
    // Under the limit: the usual UNAUTHENTICATED (a forged token counts as no token).
    for (let i = 0; i < UNAUTHENTICATED_PER_MINUTE; i++) {
      const result = await post('{ me { userID } }', i % 2 ? 'Bearer not-a-token' : undefined);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const limited = await post(repeated(700));
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await post('{ me { userID } }', 'Bearer forged.token.here')).status).toBe(429);

    const signedIn = await post('{ me { userID } }', `Bearer ${await t.token('alice')}`);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data).toEqual({ me: { userID: 'alice' } });
  });

  it('closes an unauthenticated WebSocket past the limit with 1008; one with a token connects', async () => {
    const connect = (payload: Record<string, unknown>) =>
      new Promise<number | 'acknowledged'>((resolve) => {
        const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
        socket.on('message', (data) => {
          if (JSON.parse(String(data)).type === 'connection_ack') {
            resolve('acknowledged');
            socket.close();
          }
        });
        socket.on('close', (code) => resolve(code));
      });
    // The address spent its budget in the test above.
    expect(await connect({})).toBe(1008);
    expect(await connect({ authorization: `Bearer ${await t.token('alice')}` })).toBe('acknowledged');
  });
});
