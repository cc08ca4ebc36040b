// npm run bench:cold-start: time from spawning a server to its first GraphQL answer, and the
// resident memory of the whole process tree (npm, sh, node...) and of its largest process (the
// server) once it has answered 50 requests. The first round of `npm start` fills Node's compile
// cache (see src/server/main.ts); later rounds use it, as a restart on the same machine does.
// It starts the service with the README's production command (`npm start`, NODE_ENV=production,
// fresh SQLite file) and a bare graphql-yoga server (`node bench/cold-start/bare-yoga.ts`), in
// alternating rounds, and prints medians. The service is also started the way the bare server is,
// with node itself (`node src/server/start.js`, what `npm start` execs): npm's own start-up is
// then out of the comparison, which is like with like. COLD_START_DIRS (comma-separated) adds other
// checkouts' `npm start` to each round, to compare with an older commit on the same machine
// at the same time; COLD_START_ROUNDS sets the rounds (default 5).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/setup/servers.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SERVICE_DIRS = [ROOT, ...(process.env.COLD_START_DIRS?.split(',').filter(Boolean) ?? [])];
const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 5);
const SECRET = 'cold-start-secret-0123456789abcdef0123456789';
/** Requests sent after the first answer, before RSS is read: a server that has done some work. */
const WARM_REQUESTS = 50;

type Sample = { firstAnswerMs: number; rssMB: number; serverRssMB: number; processes: number };

/** Every process below `pid` (inclusive), from /proc: npm start is npm, sh and node (and tsx's). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

function rssKB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function query(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
      signal: AbortSignal.timeout(5_000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function measure(start: (port: number) => ChildProcess): Promise<Sample> {
  const port = await freePort();
  const began = performance.now();
  const child = start(port);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    while (!(await query(port))) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
      if (performance.now() - began > 60_000) throw new Error('no answer within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const firstAnswerMs = performance.now() - began;
    for (let i = 0; i < WARM_REQUESTS; i++) await query(port);
    const tree = processTree(child.pid!);
    const sizes = tree.map(rssKB);
    const rssMB = sizes.reduce((sum, kb) => sum + kb, 0) / 1024;
    return { firstAnswerMs, rssMB, serverRssMB: Math.max(...sizes) / 1024, processes: tree.length };
  } finally {
    // The whole group: an older `npm start` (through tsx) left its server running on SIGTERM.
    process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function service(dir: string, dataDir: string, launcher: 'npm' | 'node' = 'npm') {
  const [command, args] = launcher === 'npm' ? ['npm', ['start']] : [process.execPath, ['src/server/start.js']];
  return (port: number) =>
    spawn(command, args, {
      cwd: dir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        AUTH_SECRET: SECRET,
        PORT: String(port),
        DATABASE_URL: `file:${join(dataDir, `${port}.db`)}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
}

const bareYoga = (port: number) =>
  spawn(process.execPath, ['bench/cold-start/bare-yoga.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dataDir = mkdtempSync(join(tmpdir(), 'cold-start-'));
const NODE_LAUNCHED = 'node src/server/start.js';
const runs = new Map<string, Sample[]>([
  ['bare yoga', []],
  [NODE_LAUNCHED, []],
  ...SERVICE_DIRS.map((dir) => [dir, []] as [string, Sample[]]),
]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    runs.get('bare yoga')!.push(await measure(bareYoga));
    runs.get(NODE_LAUNCHED)!.push(await measure(service(ROOT, dataDir, 'node')));
    for (const dir of SERVICE_DIRS) runs.get(dir)!.push(await measure(service(dir, dataDir)));
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const summary = (samples: Sample[]) => ({
  firstAnswerMs: Math.round(median(samples.map((s) => s.firstAnswerMs))),
  spreadMs: samples.map((s) => Math.round(s.firstAnswerMs)),
  rssMB: Math.round(median(samples.map((s) => s.rssMB))),
  serverRssMB: Math.round(median(samples.map((s) => s.serverRssMB))),
  processes: median(samples.map((s) => s.processes)),
});
const bare = summary(runs.get('bare yoga')!);
console.log(`Node ${process.version}, ${ROUNDS} rounds; medians (all rounds in ms)`);
for (const [name, samples] of runs) {
  const s = summary(samples);
  console.log(
    `${SERVICE_DIRS.includes(name) ? `npm start in ${name}` : name}: first answer ${s.firstAnswerMs} ms (${(s.firstAnswerMs / bare.firstAnswerMs).toFixed(2)}x bare yoga) ` +
      `[${s.spreadMs.join(', ')}]; RSS ${s.rssMB} MB in ${s.processes} process(es), the largest ${s.serverRssMB} MB`,
  );
}
