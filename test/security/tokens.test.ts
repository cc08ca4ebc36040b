// Every kind of bad token is refused, over HTTP and in graphql-ws connection_init.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { settle, startTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';
import { MARK_CONVERSATION_READ } from '../helpers/operations.ts';

let t: TestApp;
let wsUrl: string;
beforeAll(async () => {
  t = await startTestApp();
  wsUrl = (await t.app.start(0)).replace('http', 'ws');
});
afterAll(() => t.stop());

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const secret = new TextEncoder().encode(TEST_SECRET);

function hs256(header: object, payload: object, key: string | Buffer = TEST_SECRET) {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;

const badTokens: Record<string, () => Promise<string> | string> = {
  expired: () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(now() - 60)
      .sign(secret),
  'alg none (unsigned)': () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', exp: now() + 600 })}.`,
  'wrong secret': () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-at-all-000000000000')),
  'RS256 signed by an unknown key': () =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('alice').setExpirationTime('1h').sign(privateKey),
  'HS256 keyed with an RSA public key (alg confusion)': () =>
    hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', exp: now() + 600 }, publicPem),
  'HS512 with the right secret (algorithm not allowed)': () =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('alice').setExpirationTime('1h').sign(secret),
  'tampered payload': async () => {
    const [h, , s] = (
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('1h')
        .sign(secret)
    ).split('.');
    return `${h}.${b64({ sub: 'mallory', exp: now() + 600 })}.${s}`;
  },
  'no sub': () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret),
  'sub that is not a userID': () =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a:b').setExpirationTime('1h').sign(secret),
  malformed: () => 'not.a.jwt',
  garbage: () => '%%%',
};

async function asHttp(authorization: string) {
  const response = await t.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: '{ me { userID } }' }),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

describe('bearer tokens over HTTP', () => {
  it('accepts a good token (control)', async () => {
    const good = await t.token('alice');
    expect(await asHttp(`Bearer ${good}`)).toEqual({ data: { me: { userID: 'alice' } } });
  });

  for (const [name, make] of Object.entries(badTokens)) {
    it(`refuses: ${name}`, async () => {
      const result = await asHttp(`Bearer ${await make()}`);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  }

  it('refuses a header that is not "Bearer <token>"', async () => {
    const good = await t.token('alice');
    for (const header of [good, `Basic ${good}`, 'Bearer', `Bearer ${good} extra`]) {
      expect((await asHttp(header)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('creates no user record for a refused token', async () => {
    await asHttp(`Bearer ${await badTokens['tampered payload']()}`);
    expect(await t.db.user.count({ where: { id: 'mallory' } })).toBe(0);
  });
});

/** A graphql-ws client with one receiptUpdated subscription: its events, and the close code. */
function openSocket(authorization: string) {
  const events: unknown[] = [];
  const closed = new Promise<number>((resolve) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {}, // the tests assert on the close itself
      on: { closed: (event) => resolve((event as { code: number }).code) },
    });
    client.subscribe(
      { query: 'subscription { receiptUpdated { msgID conversationID } }' },
      { next: (value) => events.push(value), error() {}, complete() {} },
    );
  });
  return { events, closed };
}

describe('bearer tokens over graphql-ws', () => {
  for (const [name, make] of Object.entries(badTokens)) {
    it(`closes the socket at connection_init: ${name}`, async () => {
      const socket = openSocket(`Bearer ${await make()}`);
      expect(await socket.closed).toBe(4403);
      expect(socket.events).toEqual([]);
    });
  }

  it('closes a socket that never sends connection_init', async () => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  }, 15_000);

  it('delivers events while the token is valid, then closes the socket when it expires', async () => {
    const socket = openSocket(`Bearer ${await t.token('alice', '4s')}`);
    // A stranger's conversation read reaches alice's stream: poke until one arrives.
    const deadline = Date.now() + 3_000;
    while (socket.events.length === 0 && Date.now() < deadline) {
      await t.ok('zz-stranger', MARK_CONVERSATION_READ, { conversationID: 'C2Calice' });
      await settle(100);
    }
    expect(socket.events.length).toBeGreaterThan(0);
    expect(await socket.closed).toBe(4403);
  }, 15_000);
});
