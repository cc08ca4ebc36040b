// bench/results.json (everything) and bench/RESULTS.md (the tables a reader wants).
import { writeFileSync } from 'node:fs';
import type { Scale } from './scale.ts';
import type { Summary } from './stats.ts';
import type { Figure, Target, WorkloadResult } from './types.ts';

export type ProviderRun = {
  provider: string;
  server: string;
  seed: { rows: number; seconds: number };
  workloads: (WorkloadResult & { id: string; title: string })[];
};

export type BenchResults = {
  startedAt: string;
  seconds: number;
  scale: Scale;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  runs: ProviderRun[];
};

const fmt = (n: number | undefined, unit = ''): string => {
  if (n === undefined || Number.isNaN(n)) return '–';
  if (unit === 'bytes' || unit === 'statements' || Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
};

const cell = (s: Summary | undefined, unit: string) =>
  s ? [fmt(s.median, unit), s.n > 1 ? fmt(s.p99, unit) : '–'] : ['–', '–'];

function ratio(f: Figure): string {
  if (f.ratio === undefined) return '–';
  return f.higherIsBetter ? `${(f.ratio * 100).toFixed(1)}% of floor` : `${f.ratio.toFixed(2)}× floor`;
}

function figureRows(figures: Figure[]): string[] {
  return figures.map((f) => {
    const [vm, vp] = cell(f.value, f.unit);
    const [fm, fp] = cell(f.floor, f.unit);
    return `| ${f.workload} | ${f.name} | ${f.unit} | ${vm} | ${vp} | ${fm} | ${fp} | ${ratio(f)} |`;
  });
}

function targetRows(targets: Target[]): string[] {
  return targets.map((t) => `| ${t.workload} | ${t.text} | **${t.pass ? 'PASS' : 'FAIL'}** | ${t.detail} |`);
}

function providerSection(run: ProviderRun): string[] {
  const figures = run.workloads.flatMap((w) => w.figures);
  const targets = run.workloads.flatMap((w) => w.targets);
  const name = run.provider === 'sqlite' ? 'SQLite (better-sqlite3)' : 'PostgreSQL (pg)';
  return [
    `## ${name}`,
    '',
    `${run.server}. Seeded ${run.seed.rows.toLocaleString('en-US')} rows in ${run.seed.seconds.toFixed(1)} s.`,
    '',
    '| | Figure | Unit | GraphQL median | GraphQL p99 | Floor median | Floor p99 | GraphQL vs floor |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...figureRows(figures),
    '',
    '### Targets',
    '',
    '| | Target | Result | Measured |',
    '|---|---|---|---|',
    ...targetRows(targets),
    '',
    '### Notes',
    '',
    ...run.workloads.flatMap((w) => w.notes.map((n) => `- ${w.id}: ${n}`)),
    '',
    '### W7: memory (server RSS at the end of each workload) and time',
    '',
    '| Workload | RSS (MB) | Seconds |',
    '|---|---:|---:|',
    ...run.workloads.map((w) => `| ${w.id} ${w.title} | ${w.rssMB.toFixed(0)} | ${w.seconds.toFixed(1)} |`),
    '',
  ];
}

const METHOD = `## How it was measured

- \`npm run bench\` (\`BENCH_SCALE=small\` for the CI smoke test). Data is seeded with multi-row INSERTs in one
  transaction, with the counters the services keep (memberCount, lastSeq, audienceCount, readCount, lastReadRank).
- GraphQL figures go through the real server in production mode: in-process \`yoga.fetch\` with a real HS256 JWT
  per user (W1-W4, W10-W12), real HTTP on a real port (W9), and real graphql-ws sockets on a real port (W5, W8). Tokens are signed and users signed in before
  timing; the server verifies a token once and then remembers it until it expires, and each timed series starts
  with a warm-up.
- The **floor** is what the same work costs without this service's layers, measured in the same run:
  - reads (W2-W4): the same rows read by hand-written SQL through the same driver (better-sqlite3 or pg), with no
    GraphQL, auth or Prisma. Latency runs alternate GraphQL and floor in blocks of ten.
  - markRead (W1): the **same-work floor** (\`bench/same-work-floor.ts\`): markRead's checks (messages exist, one
    conversation, membership, not one's own, needs a receipt, group type, the reader's privacy switch, audience,
    no receipt yet), the same writes, the same group commit (calls arriving while a batch is written share the next
    transaction) on the same kind of data. Beside it, the **writes-only bound**: the same group commit with no
    reads at all. Rounds of the service, the floor and the bound interleave in a rotating order; rates are the
    median over rounds, with min–max in the notes.
  - delivery (W5): the same sockets on a bare graphql-ws server (\`bench/bare-yoga.ts\`) publishing the same
    payloads at the same pace: delivery against delivery.
  - delivery to many sockets of one user (W8): the same sockets on a server that serializes the same payload once
    and sends it to each socket (\`bench/bare-fanout.ts\`): the least work a delivery can be.
  - HTTP (W9): a bare graphql-yoga server answering \`{ me { id } }\` in the same process, the same node:http
    keep-alive client for both, interleaved rounds.
  - W10-W12: the same operation on the small case (10 messages, 10 unread), or a hand-written insert of the same
    rows (addGroupMembers); the two cases interleave. W10's leave returns before the leave sweeper takes the
    leaver's reads back: after each leave the bench waits for that sweep to end (timing it, and requests in
    another conversation meanwhile) before the next leave starts.
- W8's sockets live in two child processes (\`bench/sockets/\`), so the server's process holds none of their file
  descriptors, event-loop time or memory; arrival times are wall-clock, comparable across processes.
- Rates (receipts/s): median over rounds, and "p99" is the slowest 1% (the 1st percentile). Latencies: median and
  p99 over runs (ms). "× floor" is GraphQL median ÷ floor median; "% of floor" is GraphQL rate ÷ floor rate.
- PostgreSQL runs when \`BENCH_DATABASE_URL\` (or \`DATABASE_URL\`) is a postgresql:// URL: a fresh database is
  created on that server and dropped afterwards. Its settings are printed above its table.
- SQL statements are counted with buildApp's onQuery (Prisma query events; BEGIN is not an event, COMMIT is).
- RSS is the benchmark's process: the server, plus what still runs beside it there (the in-process HTTP client,
  W5's graphql-ws clients, the bare servers of W5/W8/W9, the floors' driver). W8's clients are in child processes
  and are not counted. The figures are a ceiling for the server, not its own size.
- The machine is shared: compare figures within one run (ratios), and read the spreads in the notes.
`;

export function writeResults(results: BenchResults, dir: string): void {
  writeFileSync(`${dir}/results.json`, `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  const lines = [
    '# Benchmark: groups of 100,000 members, with counts that cost the same at any size',
    '',
    `Scale **${results.scale.name}** (big group: ${results.scale.bigGroup.toLocaleString('en-US')} members) · ` +
      `${m.cpus} × ${m.cpuModel} · Node ${m.node} · ${results.startedAt} · whole run ${results.seconds.toFixed(0)} s`,
    '',
    ...results.runs.flatMap(providerSection),
    METHOD,
  ];
  writeFileSync(`${dir}/RESULTS.md`, lines.join('\n'));
}
