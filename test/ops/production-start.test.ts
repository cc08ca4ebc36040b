// The README's production command, run as the README writes it (`PORT=<n> npm start` with
// NODE_ENV=production and a real AUTH_SECRET): it serves, it serves the prebuilt demo page, and
// SIGTERM sent to the process we spawned (npm) reaches the server, which drains and exits 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BUILT_WEB_DIR } from '../../src/server/web-build.ts';
import { freePort } from '../setup/servers.ts';
import { startServer, waitHealthy } from './spawn.ts';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'rr-production-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The start command of the README's production section, e.g. `PORT=4001 npm start &`. */
function readmeProductionCommand(): string[] {
  const section = README.slice(README.indexOf('## Production'));
  const line = /^PORT=\d+ (npm start)\b/m.exec(section);
  if (!line) throw new Error('README: no `PORT=<n> npm start` in the production section');
  return line[1].split(' ');
}

describe('production start (README)', () => {
  it('npm start serves, and SIGTERM to npm drains the server and exits 0', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const server = startServer(
      {
        NODE_ENV: 'production',
        GRAPHQL_EXPLORER: 'true',
        PORT: String(port),
        DATABASE_URL: `file:${join(dir, 'app.db')}`,
      },
      readmeProductionCommand(),
    );
    await waitHealthy(server, port);

    const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    // The demo page comes from `npm run build:web`'s files, byte for byte, not from esbuild.
    const js = await fetch(`http://127.0.0.1:${port}/assets/main.js`);
    expect(js.status).toBe(200);
    expect(Buffer.from(await js.arrayBuffer())).toEqual(readFileSync(join(BUILT_WEB_DIR, 'assets/main.js')));

    // A live WebSocket is closed with 1001 (going away) by the drain.
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    server.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Nothing is left listening: the server itself stopped, not just npm.
    expect(
      await fetch(`http://127.0.0.1:${port}/health`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
    expect(server.stdout()).toContain('SIGTERM: stopping');
  });
});
