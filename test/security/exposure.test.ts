// What the server shows and to whom: the bind address, unknown paths, CORS, suggestions in
// production, the SQLite files' modes, and text that is not well-formed Unicode. Each next to
// the honest request that must keep working.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { testProvider } from '../helpers/databases.ts';
import { SEND } from '../helpers/operations.ts';

let dev: TestApp;
let prod: TestApp;
beforeAll(async () => {
  dev = await startTestApp();
  prod = await startTestApp({ NODE_ENV: 'production' });
});
afterAll(async () => {
  await dev.stop();
  await prod.stop();
});

const get = (t: TestApp, path: string, headers: Record<string, string> = {}) =>
  t.app.yoga.fetch(`http://test${path}`, { headers: { accept: 'text/html', ...headers } });

describe('listening address (HOST)', () => {
  it('listens on loopback only outside production, and answers there', async () => {
    const url = new URL(await dev.app.start(0));
    expect(url.hostname).toBe('127.0.0.1');
    expect((await fetch(new URL('/health', url))).status).toBe(200);
  });

  it('listens on every interface in production, and on HOST when it is set', async () => {
    expect(new URL(await prod.app.start(0)).hostname).toBe('localhost');
    const chosen = await startTestApp({ HOST: '::1' });
    const url = new URL(await chosen.app.start(0));
    expect(url.hostname).toBe('[::1]');
    expect((await fetch(new URL('/health', url))).status).toBe(200);
    await chosen.stop();
  });
});

describe('unknown paths', () => {
  it('answers 404 without a landing page; /graphql and /health still answer', async () => {
    for (const t of [dev, prod]) {
      const unknown = await get(t, '/wp-admin');
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).not.toMatch(/yoga/i);
      expect((await get(t, '/health')).status).toBe(200);
    }
    expect((await get(dev, '/graphql')).status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (t: TestApp, origin: string) =>
    t.app.yoga.fetch('http://test/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });

  it('allows no cross-origin caller by default, and never with credentials', async () => {
    const response = await preflight(prod, 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const answer = await prod.app.yoga.fetch('http://test/graphql?query={__typename}', {
      headers: { origin: 'https://evil.example', 'x-graphql-yoga-csrf': '1' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the origins in CORS_ORIGINS, without credentials, and no others', async () => {
    const t = await startTestApp({
      NODE_ENV: 'production',
      CORS_ORIGINS: 'https://app.example, https://admin.example',
    });
    const allowed = await preflight(t, 'https://app.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await preflight(t, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    await t.stop();
  });
});

describe('suggestions in production', () => {
  const literal = 'mutation { createGroup(name: "x", type: WROK, memberIDs: []) { groupID } }';
  const withVariable = 'mutation($type: GroupType!) { createGroup(name: "x", type: $type, memberIDs: []) { groupID } }';
  const messages = (r: { errors?: readonly { message: string }[] }) => r.errors?.map((e) => e.message).join(' | ');

  it('names no enum value for a typo, in the document or in a variable', async () => {
    const inline = await prod.gql('alice', literal);
    expect(messages(inline)).toMatch(/WROK/);
    expect(messages(inline)).not.toMatch(/did you mean|WORK"/i);
    const variable = await prod.gql('alice', withVariable, { type: 'WROK' });
    expect(messages(variable)).toMatch(/WROK/);
    expect(messages(variable)).not.toMatch(/did you mean|WORK"/i);
  });

  it('still suggests outside production (control)', async () => {
    expect(messages(await dev.gql('alice', literal))).toMatch(/did you mean/i);
    expect(messages(await dev.gql('alice', withVariable, { type: 'WROK' }))).toMatch(/did you mean/i);
  });
});

describe.runIf(testProvider === 'sqlite')('SQLite files', () => {
  it('creates the data folder 0700 and the database 0600, and narrows an existing file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rr-mode-'));
    const dir = join(root, 'data');
    const t = await startTestApp({ DATABASE_URL: `file:${join(dir, 'app.db')}` });
    await t.ok('alice', SEND, { conversationID: 'C2Cbob', text: 'hi' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const suffix of ['', '-wal', '-shm']) {
      const path = join(dir, `app.db${suffix}`);
      if (suffix === '' || statSync(path, { throwIfNoEntry: false })) expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    await t.stop();

    const existing = join(root, 'old.db');
    writeFileSync(existing, '', { mode: 0o644 });
    const reopened = await startTestApp({ DATABASE_URL: `file:${existing}` });
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    await reopened.stop();
  });
});

describe('text that is not well-formed Unicode', () => {
  it('refuses a lone surrogate with BAD_USER_INPUT and writes nothing; emoji pass unchanged', async () => {
    const before = await dev.db.message.count();
    for (const text of ['a\ud800b', '\udc00', 'end\ud83d']) {
      const result = await dev.gql('alice', SEND, { conversationID: 'C2Cbob', text });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await dev.db.message.count()).toBe(before);
    const { sendMessage } = await dev.ok('alice', SEND, { conversationID: 'C2Cbob', text: 'ok 😀 ✓' });
    expect(sendMessage.text).toBe('ok 😀 ✓');
  });
});
