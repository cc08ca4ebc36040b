// Abusive GraphQL and HTTP: each limit is hit on purpose, next to a request that stays under it.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { SEND } from '../helpers/operations.ts';

let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  dev = await startTestApp({ RATE_LIMIT_SEND_MESSAGE_PER_MINUTE: '5', MAX_REQUEST_BYTES: '20000' });
  prod = await startTestApp({ NODE_ENV: 'production' });
});
afterAll(async () => {
  await dev.stop();
  await prod.stop();
});

async function post(t: TestApp, body: string, headers: Record<string, string> = {}) {
  const authorization = `Bearer ${await t.token('alice')}`;
  return t.app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body,
  });
}

/** One POST /graphql over a plain socket (headers end with `rest`); the first response's text. */
async function rawHttp(t: TestApp, rest: string): Promise<string> {
  const { port } = new URL(await t.app.start(0));
  const authorization = `Bearer ${await t.token('alice')}`;
  const head = `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: ${authorization}\r\nConnection: close\r\n`;
  return new Promise((resolve, reject) => {
    // write, not end: a half-close makes Node's server abort a request still being handled
    // (httpAllowHalfOpen is off), which left the response empty on a loaded machine.
    // Connection: close has the server close once it has answered.
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head + rest));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

const codeOf = (result: { errors?: readonly { message: string }[] }) =>
  result.errors?.map((e) => e.message).join(' | ');

describe('query shape limits (graphql-armor)', () => {
  it('refuses a query nested past the depth limit', async () => {
    const deep = `{ conversations { edges { node { group { owner { id } } } } } }`;
    expect((await dev.gql('alice', deep)).errors).toBeUndefined();
    const deeper = `{ me { ${'... on User { '.repeat(12)}userID${' }'.repeat(12)} } }`;
    expect(codeOf(await dev.gql('alice', deeper))).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { userID }`).join(' ')} }`;
    expect((await dev.gql('alice', aliases(10))).errors).toBeUndefined();
    expect(codeOf(await dev.gql('alice', aliases(40)))).toMatch(/aliases/i);
  });

  it('refuses a document with too many tokens', async () => {
    const huge = `{ ${'me { userID } '.repeat(1000)} }`;
    expect(codeOf(await dev.gql('alice', huge))).toMatch(/token/i);
  });
});

describe('HTTP limits', () => {
  it('refuses a body over MAX_REQUEST_BYTES with 413', async () => {
    const ok = await post(dev, JSON.stringify({ query: '{ me { userID } }', variables: { pad: 'x'.repeat(1000) } }));
    expect(ok.status).toBe(200);
    const big = await post(dev, JSON.stringify({ query: '{ me { userID } }', variables: { pad: 'x'.repeat(30_000) } }));
    expect(big.status).toBe(413);
  });

  it('refuses a body sent without a Content-Length (chunked) with 411, over a real socket', async () => {
    const body = JSON.stringify({ query: '{ me { userID } }' });
    const framed = await rawHttp(dev, `Content-Length: ${body.length}\r\n\r\n${body}`);
    expect(framed).toMatch(/^HTTP\/1\.1 200 /);
    const chunked = await rawHttp(
      dev,
      `Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 411 /);
    expect(chunked).toContain('LENGTH_REQUIRED');
  });

  it('reads no more than the declared Content-Length, so a small length cannot smuggle a big body', async () => {
    const body = JSON.stringify({ query: '{ me { userID } }', variables: { pad: 'x'.repeat(30_000) } });
    const declared = await rawHttp(dev, `Content-Length: ${body.length}\r\n\r\n${body}`);
    expect(declared).toMatch(/^HTTP\/1\.1 413 /);
    // The same 30 KB under a 40-byte length: the server sees 40 bytes of broken JSON, not the body.
    const lying = await rawHttp(dev, `Content-Length: 40\r\n\r\n${body}`);
    expect(lying).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('refuses a "simple" request with no bearer token and no CSRF header, with a code', async () => {
    const url = `http://test/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const blocked = await dev.app.yoga.fetch(url);
    expect(blocked.status).toBe(403);
    expect((await blocked.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    // A cached Basic credential is sent by browsers without a preflight: still refused.
    const basic = await dev.app.yoga.fetch(url, { headers: { authorization: 'Basic YWxpY2U6cHc=' } });
    expect(basic.status).toBe(403);
    const withHeader = await dev.app.yoga.fetch(url, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
  });

  it("lets a GET query with a bearer token through (urql's default): no page can forge that header", async () => {
    const authorization = `Bearer ${await dev.token('alice')}`;
    const url = `http://test/graphql?query=${encodeURIComponent('{ me { userID } }')}`;
    const response = await dev.app.yoga.fetch(url, { headers: { authorization } });
    expect(response.status).toBe(200);
    expect((await response.json()).data.me.userID).toBe('alice');
    // Mutations never run over GET, token or not.
    const mutation = `http://test/graphql?query=${encodeURIComponent('mutation { setReadReceiptsEnabled(enabled: false) { userID } }')}`;
    expect((await dev.app.yoga.fetch(mutation, { headers: { authorization } })).status).toBe(405);
  });
});

describe('rate limits', () => {
  it('limits sendMessage per user, with RATE_LIMITED and a retry time, counting aliases', async () => {
    await dev.ok('alice', '{ me { userID } }');
    const send = () => dev.gql('alice', SEND, { conversationID: 'C2Cbob', text: 'hi' });
    for (let i = 0; i < 3; i++) expect((await send()).errors).toBeUndefined();
    const aliased = await dev.gql(
      'alice',
      `mutation { a: sendMessage(conversationID: "C2Cbob", text: "1") { msgID } b: sendMessage(conversationID: "C2Cbob", text: "2") { msgID } c: sendMessage(conversationID: "C2Cbob", text: "3") { msgID } }`,
    );
    expect(aliased.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(aliased.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // The refused request wrote nothing, and another user is not affected.
    expect(await dev.db.message.count({ where: { senderId: 'alice' } })).toBe(3);
    expect((await dev.gql('carol', SEND, { conversationID: 'C2Cbob', text: 'hi' })).errors).toBeUndefined();
  });
});

describe('production', () => {
  it('turns introspection off', async () => {
    expect(codeOf(await prod.gql('alice', '{ __schema { types { name } } }'))).toMatch(/introspection/i);
    expect((await dev.gql('alice', '{ __schema { queryType { name } } }')).data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
  });

  it('serves no GraphiQL', async () => {
    const page = await prod.app.yoga.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const devPage = await dev.app.yoga.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(await devPage.text()).toMatch(/graphiql/i);
  });

  it('hides field suggestions', async () => {
    expect(codeOf(await prod.gql('alice', '{ mee { userID } }'))).not.toMatch(/did you mean/i);
    expect(codeOf(await dev.gql('alice', '{ mee { userID } }'))).toMatch(/did you mean/i);
  });

  it('masks unexpected errors: no stack, no SQL', async () => {
    // Closing the database under the server makes every query fail unexpectedly.
    const broken = await startTestApp({ NODE_ENV: 'production' });
    await broken.ok('alice', '{ me { userID } }');
    await broken.db.$disconnect();
    await broken.db.$executeRawUnsafe('DROP TABLE "Participant"');
    const result = await broken.gql('alice', '{ conversations { edges { node { conversationID } } } }');
    const text = JSON.stringify(result);
    expect(result.errors?.[0]?.message).toBe('Unexpected error.');
    expect(text).not.toMatch(/Participant|SELECT|stack|\.ts:/);
    await broken.stop();
  });
});
