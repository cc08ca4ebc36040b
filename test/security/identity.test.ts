// Identity providers: RS256/ES256 tokens checked against a JWKS served from loopback, key
// rotation, issuer/audience, the user id claim, and the lifetime rules (exp required, capped),
// over HTTP and graphql-ws. Every refusal sits beside a token that passes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'read-receipts';
/** Keys are fetched again after this (AUTH_JWKS_CACHE_SECONDS), so the test can watch a rotation. */
const CACHE_SECONDS = 1;

type SigningKey = { kid: string; alg: 'RS256' | 'ES256'; privateKey: CryptoKey; jwk: JWK };

async function newKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider's JWKS endpoint; `published` is what it serves now. */
let published: SigningKey[] = [];
let jwksServer: Server;
let jwksFetches = 0;
let idp: TestApp;
let hs: TestApp;
let keyA: SigningKey;
let keyB: SigningKey;
let keyEc: SigningKey;

const now = () => Math.floor(Date.now() / 1000);
const waitForKeyCache = () => new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 200));

beforeAll(async () => {
  [keyA, keyB, keyEc] = await Promise.all([
    newKey('key-a', 'RS256'),
    newKey('key-b', 'RS256'),
    newKey('key-ec', 'ES256'),
  ]);
  published = [keyA, keyEc];
  jwksServer = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  idp = await startTestApp({
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    AUTH_JWKS_CACHE_SECONDS: String(CACHE_SECONDS),
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_USER_ID_CLAIM: 'user_id',
  });
  hs = await startTestApp();
});
afterAll(async () => {
  await Promise.all([idp?.stop(), hs?.stop()]);
  await new Promise((resolve) => jwksServer?.close(resolve));
});

/** A token as the provider signs it: iss, aud, user_id, 1 h; `claims` override or (undefined) drop. */
async function idpToken(key: SigningKey, claims: Record<string, unknown> = {}) {
  const payload: JWTPayload = { iss: ISSUER, aud: AUDIENCE, user_id: 'alice', iat: now(), exp: now() + 3600 };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

async function hsToken(claims: JWTPayload) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_SECRET));
}

/** `me.userID` over HTTP, or the error code. */
async function overHttp(app: TestApp, token: string): Promise<string> {
  const response = await app.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { userID } }' }),
  });
  const body = (await response.json()) as {
    data?: { me: { userID: string } };
    errors?: { extensions: { code: string } }[];
  };
  return body.data?.me.userID ?? body.errors?.[0]?.extensions.code ?? 'nothing';
}

/** `me.userID` over graphql-ws with the token in connection_init, or the socket's close code. */
async function overWebSocket(app: TestApp, token: string): Promise<string> {
  const url = (await app.app.start(0)).replace('http', 'ws');
  return new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { closed: (event) => resolve(`closed ${(event as { code: number }).code}`) },
    });
    client.subscribe(
      { query: '{ me { userID } }' },
      {
        next: (value) => resolve((value.data as { me: { userID: string } } | undefined)?.me.userID ?? 'error'),
        error: () => {},
        complete: () => void client.dispose(),
      },
    );
  });
}

describe('tokens from an identity provider (JWKS)', () => {
  it('accepts RS256 and ES256 tokens of published keys, over HTTP and graphql-ws (control)', async () => {
    expect(await overHttp(idp, await idpToken(keyA))).toBe('alice');
    expect(await overHttp(idp, await idpToken(keyEc, { user_id: 'bob' }))).toBe('bob');
    expect(await overWebSocket(idp, await idpToken(keyA))).toBe('alice');
  });

  it('refuses a wrong issuer or audience, beside the right ones', async () => {
    expect(await overHttp(idp, await idpToken(keyA))).toBe('alice');
    for (const claims of [
      { iss: 'https://evil.example.test/' },
      { aud: 'another-api' },
      { iss: undefined },
      { aud: undefined },
    ]) {
      expect(await overHttp(idp, await idpToken(keyA, claims)), JSON.stringify(claims)).toBe('UNAUTHENTICATED');
      expect(await overWebSocket(idp, await idpToken(keyA, claims)), JSON.stringify(claims)).toBe('closed 4403');
    }
  });

  it('reads the userID from AUTH_USER_ID_CLAIM, not sub', async () => {
    expect(await overHttp(idp, await idpToken(keyA, { user_id: 'carol', sub: 'auth0|123' }))).toBe('carol');
    expect(await overHttp(idp, await idpToken(keyA, { user_id: undefined, sub: 'carol' }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a key it does not publish, and HS256 when no secret is meant for it', async () => {
    const stranger = await newKey('key-a', 'RS256'); // same kid, other key
    expect(await overHttp(idp, await idpToken(stranger))).toBe('UNAUTHENTICATED');
    // idp was started with the test secret too: HS256 passes only with the same iss/aud rules.
    expect(await overHttp(idp, await hsToken({ user_id: 'alice', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 }))).toBe(
      'alice',
    );
    expect(await overHttp(idp, await hsToken({ user_id: 'alice', exp: now() + 60 }))).toBe('UNAUTHENTICATED');
  });

  it('follows a key rotation: the new kid works, the removed key stops after the key cache refreshes', async () => {
    const oldToken = await idpToken(keyA);
    expect(await overHttp(idp, oldToken)).toBe('alice'); // remembered as verified
    published = [keyB, keyEc];
    await waitForKeyCache();
    const fetchesBefore = jwksFetches;
    expect(await overHttp(idp, await idpToken(keyB))).toBe('alice');
    expect(await overWebSocket(idp, await idpToken(keyB, { user_id: 'bob' }))).toBe('bob');
    expect(jwksFetches).toBeGreaterThan(fetchesBefore);
    expect(await overHttp(idp, oldToken)).toBe('UNAUTHENTICATED');
    expect(await overHttp(idp, await idpToken(keyA))).toBe('UNAUTHENTICATED');
    expect(await overWebSocket(idp, await idpToken(keyA))).toBe('closed 4403');
  });
});

describe('an unreachable identity provider', () => {
  it('answers SERVICE_UNAVAILABLE (retry), not UNAUTHENTICATED, while HS256 tokens still work', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = await startTestApp({
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      AUTH_USER_ID_CLAIM: 'user_id',
    });
    try {
      expect(await overHttp(down, await hsToken({ user_id: 'alice', iat: now(), exp: now() + 60 }))).toBe('alice');
      expect(await overHttp(down, await idpToken(keyA))).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await down.stop();
    }
  });
});

describe('token lifetime (HS256 and JWKS alike)', () => {
  const DAY = 24 * 3600;

  it('refuses a token without exp, beside one with it', async () => {
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now(), exp: now() + 60 }))).toBe('alice');
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now() }))).toBe('UNAUTHENTICATED');
    expect(await overWebSocket(hs, await hsToken({ sub: 'alice', iat: now() }))).toBe('closed 4403');
    expect(await overHttp(idp, await idpToken(keyEc, { exp: undefined }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a lifetime over AUTH_MAX_TOKEN_AGE (24 h), with or without iat', async () => {
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now(), exp: now() + DAY - 60 }))).toBe('alice');
    expect(await overHttp(hs, await hsToken({ sub: 'alice', exp: now() + DAY - 60 }))).toBe('alice');
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now(), exp: now() + DAY + 60 }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await overHttp(hs, await hsToken({ sub: 'alice', exp: now() + DAY + 60 }))).toBe('UNAUTHENTICATED');
    // A future iat cannot shorten a token's lifetime: it counts from now.
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now() + 7 * DAY, exp: now() + 7 * DAY + 60 }))).toBe(
      'UNAUTHENTICATED',
    );
    // An old iat cannot stretch a token: exp - iat is what counts.
    expect(await overHttp(hs, await hsToken({ sub: 'alice', iat: now() - DAY, exp: now() + 120 }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await overWebSocket(hs, await hsToken({ sub: 'alice', iat: now(), exp: now() + 30 * DAY }))).toBe(
      'closed 4403',
    );
    expect(await overHttp(idp, await idpToken(keyA, { exp: now() + 7 * DAY }))).toBe('UNAUTHENTICATED');
  });
});
