// Throwaway PostgreSQL and Redis servers on loopback for the test run, with data under a temp
// dir. Uses Debian's postgresql and redis-server (installed by .ci/run). TEST_POSTGRES_URL and
// TEST_REDIS_URL point at servers you already run instead.
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')));
  return versions.length ? join(root, versions.sort().at(-1)!, 'bin') : null;
}

export function redisServerPath(): string | null {
  try {
    return execSync('command -v redis-server', { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** initdb and pg_ctl refuse to run as root: run them as the postgres user then. */
function asPostgres(bin: string, args: string[]) {
  const runAsRoot = process.getuid?.() === 0;
  const [cmd, argv] = runAsRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * A fresh PostgreSQL cluster on a free port, not yet running: `start()` and `stop()` it (or
 * `stop('smart')`, which waits for open sessions and refuses new ones meanwhile) as a test needs.
 */
export async function initPostgres(binDir = postgresBinDir()!) {
  const dir = mkdtempSync(join(tmpdir(), 'rr-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const uid = Number(execSync('id -u postgres', { encoding: 'utf8' }));
    const gid = Number(execSync('id -g postgres', { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  asPostgres(join(binDir, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400`;
  const pgCtl = (...args: string[]) => asPostgres(join(binDir, 'pg_ctl'), ['-D', join(dir, 'data'), ...args]);
  return {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl('-o', options, '-l', join(dir, 'log'), '-w', 'start'),
    /** 'smart' returns at once (-W); the server goes when its last session ends. */
    stop: (mode: 'immediate' | 'smart' = 'immediate') => pgCtl('-m', mode, ...(mode === 'smart' ? ['-W'] : []), 'stop'),
    /** Waits (up to 60 s) until a stop has finished. */
    waitStopped: () => {
      for (let i = 0; i < 600 && existsSync(join(dir, 'data', 'postmaster.pid')); i++) execFileSync('sleep', ['0.1']);
    },
  };
}

async function startPostgres(binDir: string) {
  const pg = await initPostgres(binDir);
  pg.start();
  return pg;
}

/** A Redis server of its own on a free port; `restart()` stops it and starts it again on that port. */
export async function startRedis(serverPath = redisServerPath()!) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rr-redis-'));
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: 'pipe', encoding: 'utf8' });
  const start = () => {
    execFileSync(serverPath, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--dir',
      dir,
      '--pidfile',
      join(dir, 'pid'),
    ]);
    for (let i = 0; i < 100; i++) {
      try {
        if (cli('ping').trim() === 'PONG') return;
      } catch {}
      execFileSync('sleep', ['0.05']);
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = () => {
    try {
      cli('shutdown', 'nosave');
    } catch {}
  };
  start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart(downSeconds = 1) {
      stop();
      execFileSync('sleep', [String(downSeconds)]);
      start();
    },
  };
}

export default async function setup(project: TestProject) {
  const stops: (() => void)[] = [];
  let postgresUrl = process.env.TEST_POSTGRES_URL;
  if (!postgresUrl) {
    const pg = await startPostgres(postgresBinDir()!);
    stops.push(() => pg.stop());
    postgresUrl = pg.url;
  }
  let redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl && redisServerPath()) {
    const redis = await startRedis(redisServerPath()!);
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  project.provide('postgresUrl', postgresUrl);
  project.provide('redisUrl', redisUrl ?? '');
  return () => {
    for (const stop of stops.reverse()) stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    redisUrl: string;
  }
}
