// W5: receiptUpdated fan-out. Many senders, each with their own message in the big group, are
// subscribed over real graphql-ws sockets while readers' markRead calls stream in; latency is
// from the start of the markRead request to the sender's socket delivering the new figures.
// First at a steady rate (the target), then saturated (calls back to back, for the record).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { floorMarkRead } from '../floor.ts';
import { userID } from '../seed-plan.ts';
import { runPool, summarize } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Workload } from '../types.ts';
import { connectSubscribers, type Subscribers } from './subscribers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Call i marks idsPerCall consecutive messages, so calls in flight touch different messages. */
function batchOf(ctx: BenchContext, i: number): number[] {
  const ids = ctx.seed.ids.fanout.map((f) => f.msgID);
  return Array.from(
    { length: ctx.scale.fanout.idsPerCall },
    (_, j) => ids[(i * ctx.scale.fanout.idsPerCall + j) % ids.length],
  );
}

/**
 * Runs op(0..count-1): with rate > 0, call i starts at i/rate s whatever happens (open loop);
 * else `concurrency` calls back to back. Returns each call's latency (from its own start).
 */
async function schedule(
  ctx: BenchContext,
  count: number,
  rate: number,
  op: (i: number, begin: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  const start = performance.now();
  await runPool(count, rate > 0 ? count : ctx.scale.fanout.concurrency, async (i) => {
    if (rate > 0) await sleep(start + (i * 1000) / rate - performance.now());
    const begin = performance.now();
    await op(i, begin);
    latencies.push(performance.now() - begin);
  });
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

type Phase = {
  delivery: number[];
  calls: number[];
  floor: number[];
  receiptsPerSecond: number;
  /** Event-loop delay (ms) while the calls ran. */
  loopDelay: { p99: number; max: number };
};

/** markRead calls by `readers` while everyone listens, every delivery awaited; then the floor, paced the same. */
async function phase(ctx: BenchContext, subs: Subscribers, readers: string[][], rate: number): Promise<Phase> {
  const [gqlReaders, floorReaders] = readers;
  const delivery: number[] = [];
  subs.onDelivery = (ms) => delivery.push(ms);
  // Stalls of the whole process (GC, a long synchronous step) show up here, not in the database.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const run = await schedule(ctx, gqlReaders.length, rate, (i, begin) => {
    subs.expect(batchOf(ctx, i), begin);
    return ctx.client.markRead(gqlReaders[i], batchOf(ctx, i));
  });
  const expected = gqlReaders.length * ctx.scale.fanout.idsPerCall;
  for (let waited = 0; delivery.length < expected && waited < 30_000; waited += 20) await sleep(20);
  subs.onDelivery = undefined;
  loop.disable();
  if (delivery.length < expected) throw new Error(`W5: ${delivery.length} of ${expected} receipts delivered`);
  const floor = await schedule(ctx, floorReaders.length, rate, (i) =>
    floorMarkRead(ctx.raw, floorReaders[i], batchOf(ctx, i)),
  );
  return {
    delivery,
    calls: run.latencies,
    floor: floor.latencies,
    receiptsPerSecond: Math.round(expected / run.seconds),
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
}

export const fanoutWorkload: Workload = {
  id: 'W5',
  title: 'receiptUpdated fan-out',
  async run(ctx) {
    const { seed, client } = ctx;
    const { calls, idsPerCall, concurrency, subscribers, callsPerSecond } = ctx.scale.fanout;
    const pool = seed.readerPool.slice(-(4 * calls + 10)).map(userID);
    const readers = (k: number) => pool.slice(10 + k * calls, 10 + (k + 1) * calls);
    await client.signIn([...seed.ids.fanout.map((f) => f.sender), ...pool]);

    const subs = await connectSubscribers(ctx, pool.slice(0, 10));
    const steady = await phase(ctx, subs, [readers(0), readers(1)], callsPerSecond);
    const busy = await phase(ctx, subs, [readers(2), readers(3)], 0);
    await subs.close();

    const n = subscribers.toLocaleString('en-US');
    const steadyName = `${n} subscribers, ${callsPerSecond} markRead/s × ${idsPerCall} ids (${steady.receiptsPerSecond} receipts/s)`;
    const busyName = `${n} subscribers, saturated: ${concurrency} calls in flight (${busy.receiptsPerSecond} receipts/s)`;
    const figures: Figure[] = [steady, busy].flatMap((p, k) => {
      const name = k === 0 ? steadyName : busyName;
      const floor = summarize(p.floor);
      return [
        figure('W5', `${name}: markRead start → delivery`, 'ms', summarize(p.delivery), floor),
        figure('W5', `${name}: markRead call latency`, 'ms', summarize(p.calls), floor),
      ];
    });
    const p = figures[0].value;
    const loopNote = (name: string, q: Phase) =>
      `${name}: event-loop delay p99 ${q.loopDelay.p99.toFixed(1)} ms, max ${q.loopDelay.max.toFixed(0)} ms; slowest delivery ${Math.max(...q.delivery).toFixed(0)} ms`;
    return {
      figures,
      notes: [loopNote('steady', steady), loopNote('saturated', busy)],
      targets: [
        {
          workload: 'W5',
          text: `p99 delivery < 100 ms at ${n} subscribers on one instance`,
          pass: p.p99 < 100,
          detail: `p50 ${p.median.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms over ${p.n} deliveries at ${steady.receiptsPerSecond} receipts/s`,
        },
      ],
    };
  },
};
