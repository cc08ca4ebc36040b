// W1: receipts/second through markRead, with concurrent readers of one message of the big group,
// and with batches of 30 ids. GraphQL's rounds, then the floor's, each round on fresh messages.
// A note gives how many GraphQL calls shared each transaction (the server's group commit).
import { floorMarkRead } from '../floor.ts';
import { userID } from '../seed-plan.ts';
import { runPool, summarize } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Target, type Workload } from '../types.ts';

type Rounds = { rates: number[]; latencies: number[] };

/** Round 0 warms up; every later round adds its receipts/second and per-call latencies. */
async function measure(
  rounds: number,
  calls: number,
  concurrency: number,
  receiptsPerCall: number,
  op: (round: number, call: number) => Promise<unknown>,
): Promise<Rounds> {
  const out: Rounds = { rates: [], latencies: [] };
  for (let round = 0; round <= rounds; round++) {
    const run = await runPool(calls, concurrency, (i) => op(round, i));
    if (round === 0) continue;
    out.rates.push((calls * receiptsPerCall) / (run.elapsedMs / 1000));
    out.latencies.push(...run.latencies);
  }
  return out;
}

/** Runs `work` and returns how many transactions the server committed meanwhile. */
async function countCommits<T>(ctx: BenchContext, work: () => Promise<T>): Promise<{ result: T; commits: number }> {
  const log: string[] = [];
  ctx.statements.log = log;
  try {
    const result = await work();
    return { result, commits: log.filter((sql) => sql.trim() === 'COMMIT').length };
  } finally {
    ctx.statements.log = null;
  }
}

async function expectCounts(ctx: BenchContext, ids: number[], readCount: number) {
  const rows = await ctx.raw.all<{ id: number; readCount: number }>(
    `SELECT "id", "readCount" FROM "Message" WHERE "id" IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  const wrong = rows.filter((r) => Number(r.readCount) !== readCount);
  if (wrong.length) throw new Error(`W1: expected readCount ${readCount}, got ${JSON.stringify(wrong.slice(0, 3))}`);
}

export const markReadWorkload: Workload = {
  id: 'W1',
  title: 'markRead throughput',
  async run(ctx) {
    const { scale, seed, client, raw } = ctx;
    const { rounds, singleCalls, batchCalls, batchSize, concurrency } = scale.markRead;
    const readers = seed.readerPool.slice(0, Math.max(singleCalls, batchCalls)).map(userID);
    await client.signIn(readers);
    const { singleGql, singleFloor, batchGql, batchFloor } = seed.ids;

    const singleRun = await countCommits(ctx, () =>
      measure(rounds, singleCalls, concurrency, 1, (r, i) => client.markRead(readers[i], [singleGql[r]])),
    );
    const single = {
      gql: singleRun.result,
      floor: await measure(rounds, singleCalls, concurrency, 1, (r, i) =>
        floorMarkRead(raw, readers[i], [singleFloor[r]]),
      ),
    };
    await expectCounts(ctx, [...singleGql, ...singleFloor], singleCalls);
    const batchRun = await countCommits(ctx, () =>
      measure(rounds, batchCalls, concurrency, batchSize, (r, i) => client.markRead(readers[i], batchGql[r])),
    );
    const batch = {
      gql: batchRun.result,
      floor: await measure(rounds, batchCalls, concurrency, batchSize, (r, i) =>
        floorMarkRead(raw, readers[i], batchFloor[r]),
      ),
    };
    await expectCounts(ctx, [...batchGql.flat(), ...batchFloor.flat()], batchCalls);

    const members = scale.bigGroup.toLocaleString('en-US');
    const figures: Figure[] = [];
    const targets: Target[] = [];
    const add = (short: string, detail: string, m: { gql: Rounds; floor: Rounds }) => {
      const label = `${short} ${detail}, ${concurrency} readers in flight`;
      const rate = figure(
        'W1',
        `${label}: receipts/s`,
        'receipts/s',
        summarize(m.gql.rates, true),
        summarize(m.floor.rates, true),
        true,
      );
      figures.push(
        rate,
        figure('W1', `${label}: latency per call`, 'ms', summarize(m.gql.latencies), summarize(m.floor.latencies)),
      );
      if (ctx.provider !== 'sqlite') return;
      const ratio = rate.ratio ?? 0;
      targets.push({
        workload: 'W1',
        text: `GraphQL markRead ≥ 25% of the SQL floor's receipts/s (${short})`,
        pass: ratio >= 0.25,
        detail: `${Math.round(rate.value.median)} vs ${Math.round(rate.floor!.median)} receipts/s = ${(ratio * 100).toFixed(1)}%`,
      });
    };
    add('one message', `of a ${members}-member group`, single);
    add(`batches of ${batchSize}`, 'messages', batch);
    const perCommit = (calls: number, commits: number) => (commits ? (calls / commits).toFixed(1) : 'n/a');
    const notes = [
      `GraphQL markRead calls per transaction (group commit): one message ${perCommit(
        (rounds + 1) * singleCalls,
        singleRun.commits,
      )}, batches of ${batchSize} ${perCommit((rounds + 1) * batchCalls, batchRun.commits)}`,
    ];
    return { figures, targets, notes };
  },
};
