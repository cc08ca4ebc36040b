// The demo page's routes (src/server/static.ts) and GraphiQL's way of sending a token over
// graphql-ws (with each operation, in extensions.headers). The page itself is tested in a
// browser in test/browser/.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startTestApp, type TestApp } from './helpers/app.ts';
import { CREATE_GROUP, MARK_READ, RECEIPT_UPDATED, SEND } from './helpers/operations.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await startTestApp();
  base = (await t.app.start(0)).replace(/\/graphql$/, '');
});
afterAll(() => t.stop());

/** A GET with the path sent byte for byte (fetch would normalize `..`). */
function rawGet(origin: string, path: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo page routes', () => {
  it('serves the page and its bundle with the right content types', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<script type="module" src="/assets/main.js"></script>');

    const js = await fetch(`${base}/assets/main.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain('receiptUpdated');
    const css = await fetch(`${base}/assets/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.read-by'); // chat.css is bundled in

    const head = await fetch(`${base}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves only the built files: no path leads outside them', async () => {
    for (const path of [
      '/assets/../package.json',
      '/assets/%2e%2e/package.json',
      '/assets/..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/',
      '/assets/main.ts',
      '/assets/index.html',
      '//etc/passwd',
      '/web/main.ts',
    ]) {
      const response = await rawGet(base, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('"name"');
    }
  });

  it('hands out dev tokens outside production', async () => {
    const response = await fetch(`${base}/dev/token?userID=bob`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token } = (await response.json()) as { token: string };
    const me = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { userID } }' }),
    });
    expect(await me.json()).toEqual({ data: { me: { userID: 'bob' } } });
    expect((await fetch(`${base}/dev/token?userID=no%20spaces`)).status).toBe(400);
    expect((await fetch(`${base}/dev/token`)).status).toBe(400);
  });

  it('has no dev token endpoint in production, and no page unless GRAPHQL_EXPLORER=true', async () => {
    const envs: Record<string, string>[] = [
      { NODE_ENV: 'production' },
      { NODE_ENV: 'production', GRAPHQL_EXPLORER: 'true' },
    ];
    for (const env of envs) {
      const prod = await startTestApp(env);
      try {
        const origin = (await prod.app.start(0)).replace(/\/graphql$/, '');
        const token = await fetch(`${origin}/dev/token?userID=alice`);
        expect(token.status).toBe(404);
        expect(await token.text()).not.toContain('eyJ');
        const page = await fetch(`${origin}/assets/main.js`);
        expect(page.status).toBe(env.GRAPHQL_EXPLORER ? 200 : 404);
      } finally {
        await prod.stop();
      }
    }
  });
});

describe('a token sent with the operation over graphql-ws (as GraphiQL does)', () => {
  it('signs in that operation on a socket opened without one', async () => {
    await t.ok('alice', CREATE_GROUP, { groupID: 'gq', name: 'GQ', type: 'WORK', memberIDs: ['bob'] });
    const { sendMessage } = await t.ok('alice', SEND, { conversationID: 'GROUPgq', text: 'hi', needReadReceipt: true });
    const client = await t.wsClient(null);
    const headers = { Authorization: `Bearer ${await t.token('alice')}` };
    const events: unknown[] = [];
    client.subscribe(
      { query: RECEIPT_UPDATED, extensions: { headers } },
      { next: (value) => events.push(value), error: (error) => events.push(error), complete: () => {} },
    );
    await settle();
    await t.ok('bob', MARK_READ, { msgIDs: [sendMessage.msgID] });
    await expect.poll(() => events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: { receiptUpdated: { msgID: sendMessage.msgID, readCount: 1 } } });
  });

  it('rejects a bad token with UNAUTHENTICATED, and without one the operation is anonymous', async () => {
    const client = await t.wsClient(null);
    for (const extensions of [{ headers: { authorization: 'Bearer not-a-token' } }, {}]) {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: RECEIPT_UPDATED, extensions }, { next: resolve, error: resolve, complete: () => {} });
      });
      expect(JSON.stringify(errors)).toContain('UNAUTHENTICATED');
    }
  });
});
