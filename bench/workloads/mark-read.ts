// W1: receipts/second through markRead, with concurrent readers of one message of the big group,
// and with batches of 30 ids; each round on fresh messages. Beside it, the same-work floor (the
// same checks and writes with the same group commit, by hand: see same-work-floor.ts), the
// writes-only bound, and a bare graphql-yoga answering the same markRead request through
// yoga.fetch with no work at all: the ceiling of any Yoga service, the GraphQL cost alone. Rounds
// of the four interleave, in a rotating order, so drift on a shared machine lands on all of
// them; figures are the median over rounds, with their spread.
import { type BareServer, startBareServer } from '../bare-yoga.ts';
import { MARK_READ, postOperation } from '../client.ts';
import { FloorWriter } from '../same-work-floor.ts';
import { userID } from '../seed-plan.ts';
import { runPool, type Summary, summarize } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Target, type Workload } from '../types.ts';

const SIDES = ['gql', 'floor', 'bound', 'bareYoga'] as const;
type Side = (typeof SIDES)[number];
type Rounds = { rates: number[]; latencies: number[] };
type Op = (round: number, call: number) => Promise<unknown>;

/** Round 0 warms up; every later round adds each side's receipts/second and per-call latencies. */
async function measure(
  rounds: number,
  calls: number,
  concurrency: number,
  receiptsPerCall: number,
  ops: Record<Side, Op>,
): Promise<Record<Side, Rounds>> {
  const out = Object.fromEntries(SIDES.map((s) => [s, { rates: [], latencies: [] } as Rounds])) as Record<Side, Rounds>;
  for (let round = 0; round <= rounds; round++) {
    const order = SIDES.map((_, k) => SIDES[(k + round) % SIDES.length]);
    for (const side of order) {
      const run = await runPool(calls, concurrency, (i) => ops[side](round, i));
      if (round === 0) continue;
      out[side].rates.push((calls * receiptsPerCall) / (run.elapsedMs / 1000));
      out[side].latencies.push(...run.latencies);
    }
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
  if (wrong.length || rows.length !== ids.length) {
    throw new Error(`W1: expected readCount ${readCount}, got ${JSON.stringify(wrong.slice(0, 3))}`);
  }
}

/** markRead on the bare Yoga, sent and read back as BenchClient sends it to the service. */
const bareMarkRead = (bare: BareServer, authorization: string, msgIDs: number[]) =>
  postOperation(bare.fetch, authorization, MARK_READ, { msgIDs: msgIDs.map(String) });

/**
 * A call of a Yoga service doing the floor's work costs at least a bare Yoga call plus a floor
 * call, when one thread runs both: its share of the floor's rate is at most 1 / (1 + floor / bare).
 */
const serialShare = (floorRate: number, bareRate: number) => 1 / (1 + floorRate / bareRate);

const percent = (s: Summary) =>
  `${(s.median * 100).toFixed(0)}% (${((s.min ?? s.median) * 100).toFixed(0)}–${((s.max ?? s.median) * 100).toFixed(0)}%)`;

const spread = (s: Summary) =>
  `${Math.round(s.median)} (${Math.round(s.min ?? s.median)}–${Math.round(s.max ?? s.median)})`;

export const markReadWorkload: Workload = {
  id: 'W1',
  title: 'markRead throughput',
  async run(ctx) {
    const { scale, seed, client, raw } = ctx;
    const { rounds, singleCalls, batchCalls, batchSize, concurrency } = scale.markRead;
    const readers = seed.readerPool.slice(0, Math.max(singleCalls, batchCalls)).map(userID);
    await client.signIn(readers);
    const ids = seed.ids;
    const floor = new FloorWriter(raw, true);
    const bound = new FloorWriter(raw, false);
    const bare = await startBareServer();
    const authorization = await client.authorization(readers[0]);

    const [singleRun, batchRun] = await measureBoth().finally(() => bare.close());
    async function measureBoth() {
      const singleRun = await countCommits(ctx, () =>
        measure(rounds, singleCalls, concurrency, 1, {
          gql: (r, i) => client.markRead(readers[i], [ids.singleGql[r]]),
          floor: (r, i) => floor.markRead(readers[i], [ids.singleFloor[r]]),
          bound: (r, i) => bound.markRead(readers[i], [ids.singleBound[r]]),
          bareYoga: (r) => bareMarkRead(bare, authorization, [ids.singleGql[r]]),
        }),
      );
      await expectCounts(ctx, [...ids.singleGql, ...ids.singleFloor, ...ids.singleBound], singleCalls);
      const batchRun = await countCommits(ctx, () =>
        measure(rounds, batchCalls, concurrency, batchSize, {
          gql: (r, i) => client.markRead(readers[i], ids.batchGql[r]),
          floor: (r, i) => floor.markRead(readers[i], ids.batchFloor[r]),
          bound: (r, i) => bound.markRead(readers[i], ids.batchBound[r]),
          bareYoga: (r) => bareMarkRead(bare, authorization, ids.batchGql[r]),
        }),
      );
      await expectCounts(ctx, [...ids.batchGql, ...ids.batchFloor, ...ids.batchBound].flat(), batchCalls);
      return [singleRun, batchRun] as const;
    }

    const members = scale.bigGroup.toLocaleString('en-US');
    const figures: Figure[] = [];
    const targets: Target[] = [];
    const notes: string[] = [];
    const add = (short: string, detail: string, m: Record<Side, Rounds>, goal: number) => {
      const label = `${short} ${detail}, ${concurrency} readers in flight`;
      const [gql, same, writes, bareYoga] = SIDES.map((s) => summarize(m[s].rates, true));
      const reach = summarize(
        m.floor.rates.map((floorRate, r) => serialShare(floorRate, m.bareYoga.rates[r])),
        true,
      );
      const rate = figure('W1', `${label}: receipts/s`, 'receipts/s', gql, same, true);
      figures.push(
        rate,
        figure('W1', `${label}: writes-only bound, receipts/s`, 'receipts/s', writes, undefined, true),
        figure('W1', `${label}: bare graphql-yoga, no work, receipts/s`, 'receipts/s', bareYoga, undefined, true),
        figure('W1', `${label}: latency per call`, 'ms', summarize(m.gql.latencies), summarize(m.floor.latencies)),
      );
      const ratio = rate.ratio ?? 0;
      const perRound = summarize(
        m.gql.rates.map((rate, r) => rate / m.floor.rates[r]),
        true,
      );
      targets.push({
        workload: 'W1',
        text: `markRead ≥ ${goal * 100}% of the same-work floor's receipts/s (${short})`,
        pass: ratio >= goal,
        detail: `${Math.round(gql.median)} vs ${Math.round(same.median)} receipts/s = ${(ratio * 100).toFixed(1)}%`,
      });
      notes.push(
        `${short}: receipts/s, median (min–max) over ${gql.n} interleaved rounds: GraphQL ${spread(gql)}; same-work floor ${spread(same)}; writes-only bound ${spread(writes)} (GraphQL ${((gql.median / writes.median) * 100).toFixed(0)}% of it)`,
        `${short}: GraphQL's share of the same-work floor in each round (the same interleaved round): ${percent(perRound)}, median (min–max); the target compares the two sides' medians`,
        `${short}: a bare graphql-yoga answering the same markRead through yoga.fetch with no work behind it: ${spread(bareYoga)} receipts/s, ${((bareYoga.median / same.median) * 100).toFixed(0)}% of the same-work floor (no Yoga service can go past that share)`,
        `${short}: the bare Yoga's work and the floor's in series, as one thread must run them: ${percent(reach)} of the floor, median (min–max) over the rounds (the most a Yoga service doing the floor's work on one thread can reach; GraphQL is at ${((gql.median / same.median / reach.median) * 100).toFixed(0)}% of that)`,
      );
    };
    add('one message', `of a ${members}-member group`, singleRun.result, 0.5);
    add(`batches of ${batchSize}`, 'messages', batchRun.result, 0.7);
    const perCommit = (calls: number, commits: number) => (commits ? (calls / commits).toFixed(1) : 'n/a');
    notes.push(
      `GraphQL markRead calls per transaction (group commit): one message ${perCommit(
        (rounds + 1) * singleCalls,
        singleRun.commits,
      )}, batches of ${batchSize} ${perCommit((rounds + 1) * batchCalls, batchRun.commits)}`,
    );
    return { figures, targets, notes };
  },
};
