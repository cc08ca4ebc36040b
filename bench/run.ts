// npm run bench: seeds big groups with raw SQL, then drives the real server in-process (yoga.fetch
// with real JWTs, graphql-ws on a real port) through every workload, next to hand-written SQL
// floors, on SQLite and (when a postgresql:// URL is given) PostgreSQL. See bench/RESULTS.md.
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig, MUTATION_RATE_LIMITS } from '../src/config.ts';
import { buildApp } from '../src/server/app.ts';
import { BenchClient } from './client.ts';
import { benchDatabases } from './databases.ts';
import { openRawDb } from './raw-db.ts';
import { type BenchResults, type ProviderRun, writeResults } from './report.ts';
import { type Scale, scaleFromEnv } from './scale.ts';
import { seed } from './seed.ts';
import { planSeed } from './seed-plan.ts';
import { rssMB } from './stats.ts';
import type { BenchContext, StatementCounter, Workload } from './types.ts';
import { countsWorkload } from './workloads/counts.ts';
import { fanoutWorkload } from './workloads/fanout.ts';
import { addMembersWorkload, leaveWorkload, readAllWorkload } from './workloads/growth.ts';
import { hostileWorkload } from './workloads/hostile.ts';
import { httpWorkload } from './workloads/http.ts';
import { manySocketsWorkload } from './workloads/many-sockets.ts';
import { markReadWorkload } from './workloads/mark-read.ts';
import { messageReceiptsWorkload } from './workloads/message-receipts.ts';
import { readMembersWorkload } from './workloads/read-members.ts';
import { recentReadersWorkload } from './workloads/recent-readers.ts';
import { storageWorkload } from './workloads/storage.ts';

const SECRET = 'bench-secret-0123456789abcdef0123456789';
const WORKLOADS: Workload[] = [
  markReadWorkload,
  messageReceiptsWorkload,
  readMembersWorkload,
  countsWorkload,
  fanoutWorkload,
  manySocketsWorkload,
  httpWorkload,
  leaveWorkload,
  readAllWorkload,
  addMembersWorkload,
  storageWorkload, // after the leaves and conversation reads, so their rows are counted too
  hostileWorkload,
  recentReadersWorkload, // last: its retention sweep removes the receipt rows W6 measures
];

const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * The bench measures work, not the limits that guard it (the floors have none): per-user
 * mutation limits are lifted, and one user may hold W8's 10,000 sockets. The limits for
 * strangers (per address, per socket, frame size) stay as shipped: the hostile section measures them.
 */
const BENCH_LIMITS: Record<string, string> = {
  ...Object.fromEntries(Object.values(MUTATION_RATE_LIMITS).map(({ setting }) => [setting, '100000000'])),
  MAX_SOCKETS_PER_USER: '20000',
  // An access line per operation is an operator's choice (LOG_LEVEL=info, production's default);
  // at warn the bench measures the service's own work, as the floors do.
  LOG_LEVEL: 'warn',
};

async function runOn(provider: string, databaseUrl: string, scale: Scale): Promise<ProviderRun> {
  const statements: StatementCounter = { count: 0, log: null };
  const config = loadConfig({
    NODE_ENV: 'production',
    AUTH_SECRET: SECRET,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    ...BENCH_LIMITS,
  });
  const app = await buildApp({
    config,
    onQuery: (sql) => {
      statements.count++;
      statements.log?.push(sql);
    },
  });
  const raw = openRawDb(databaseUrl);
  let wsUrl: Promise<string> | undefined;
  const run: ProviderRun = { provider, server: await raw.describe(), seed: { rows: 0, seconds: 0 }, workloads: [] };
  try {
    const seedStart = performance.now();
    const plan = planSeed(scale);
    run.seed.rows = (await seed(raw, plan)).rows;
    run.seed.seconds = seconds(seedStart);
    console.log(
      `[${provider}] seeded ${run.seed.rows.toLocaleString('en-US')} rows in ${run.seed.seconds.toFixed(1)} s`,
    );
    const ctx: BenchContext = {
      app,
      provider: raw.provider,
      scale,
      seed: plan,
      client: new BenchClient(app, SECRET),
      raw,
      statements,
      // One listening server, however many workloads ask at once.
      wsUrl: () => (wsUrl ??= app.start(0).then((url) => url.replace(/^http/, 'ws'))),
      openSockets: () => app.openSockets(),
    };
    // BENCH_ONLY=W1,W3 (or BENCH_ONLY=hostile) runs some workloads (for profiling); results then go to bench/.data.
    const only = process.env.BENCH_ONLY?.split(',');
    for (const workload of WORKLOADS.filter((w) => !only || only.includes(w.id))) {
      const start = performance.now();
      const { figures, targets = [], notes = [] } = await workload.run(ctx);
      const result = {
        id: workload.id,
        title: workload.title,
        figures,
        targets,
        notes,
        seconds: seconds(start),
        rssMB: rssMB(),
      };
      run.workloads.push(result);
      const verdicts = targets.map((t) => `${t.pass ? 'PASS' : 'FAIL'} ${t.detail}`).join('; ');
      console.log(`[${provider}] ${workload.id} ${workload.title}: ${result.seconds.toFixed(1)} s ${verdicts}`);
    }
  } finally {
    await app.stop(2_000).finally(() => raw.close());
  }
  return run;
}

async function main() {
  const scale = scaleFromEnv();
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const runs: ProviderRun[] = [];
  for (const { provider, open } of await benchDatabases()) {
    const database = await open();
    try {
      runs.push(await runOn(provider, database.url, scale));
    } finally {
      await database.drop();
    }
  }
  const cpu = cpus();
  const results: BenchResults = {
    startedAt,
    seconds: seconds(started),
    scale,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
    },
    runs,
  };
  // The smoke test must not overwrite the full results that are committed.
  const partial = scale.name !== 'full' || process.env.BENCH_ONLY;
  const dir = fileURLToPath(new URL(partial ? './.data/' : './', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeResults(results, dir);
  const failed = runs.flatMap((r) => r.workloads.flatMap((w) => w.targets.filter((t) => !t.pass)));
  // A small run's workloads are too short to warm the JIT, and its floors run on a tiny database.
  const verdict = scale.name === 'full' ? '' : ' (a smoke test: the targets are judged on the full run)';
  console.log(`wrote ${dir}RESULTS.md in ${results.seconds.toFixed(0)} s; ${failed.length} target(s) missed${verdict}`);
  process.exit(0);
}

await main();
