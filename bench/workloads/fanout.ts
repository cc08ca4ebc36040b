// W5: receiptUpdated fan-out. Many senders, each with their own message in the big group, are
// subscribed over real graphql-ws sockets while readers' markRead calls stream in; latency is
// from the start of the markRead request to the sender's socket delivering the new figures.
// First at a steady rate (the target), then saturated (calls back to back, for the record).
// The floor is delivery of the same payloads to as many sockets through a bare graphql-ws server
// (bare-yoga.ts), published at the same pace: delivery against delivery.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type BareServer, bigGroupReceipt, startBareServer } from '../bare-yoga.ts';
import { userID } from '../seed-plan.ts';
import { runPool, summarize } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Workload } from '../types.ts';
import { connectSubscribers, markReadPoke, type Subscribers } from './subscribers.ts';

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
    if (rate > 0) await sleep(Math.max(0, start + (i * 1000) / rate - performance.now()));
    const begin = performance.now();
    await op(i, begin);
    latencies.push(performance.now() - begin);
  });
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

type Phase = {
  delivery: number[];
  calls: number[];
  /** publish → delivery through the bare graphql-ws server. */
  floor: number[];
  receiptsPerSecond: number;
  /** Event-loop delay (ms) while the calls ran. */
  loopDelay: { p99: number; max: number };
};

/** The bare server's side: the same sockets' worth of listeners, and who to publish to. */
type Bare = { server: BareServer; subs: Subscribers; authorizationOf: Map<number, string>; audience: number };

async function awaitDeliveries(delivery: number[], expected: number) {
  for (let waited = 0; delivery.length < expected && waited < 30_000; waited += 20) await sleep(20);
  if (delivery.length < expected) throw new Error(`W5: ${delivery.length} of ${expected} receipts delivered`);
}

/** markRead calls by `readers` while everyone listens, every delivery awaited; then the bare floor, paced the same. */
async function phase(
  ctx: BenchContext,
  subs: Subscribers,
  bare: Bare,
  readers: string[],
  rate: number,
): Promise<Phase> {
  const delivery: number[] = [];
  subs.onDelivery = (ms) => delivery.push(ms);
  // Stalls of the whole process (GC, a long synchronous step) show up here, not in the database.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const run = await schedule(ctx, readers.length, rate, (i, begin) => {
    subs.expect(batchOf(ctx, i), begin);
    return ctx.client.markRead(readers[i], batchOf(ctx, i));
  });
  const expected = readers.length * ctx.scale.fanout.idsPerCall;
  await awaitDeliveries(delivery, expected);
  subs.onDelivery = undefined;
  loop.disable();

  const floor: number[] = [];
  bare.subs.onDelivery = (ms) => floor.push(ms);
  // Saturated, the floor publishes at the pace the service reached (a burst would only queue).
  await schedule(ctx, readers.length, rate || readers.length / run.seconds, async (i, begin) => {
    const ids = batchOf(ctx, i);
    bare.subs.expect(ids, begin);
    for (const id of ids)
      bare.server.publish(bare.authorizationOf.get(id)!, bigGroupReceipt(ctx.seed, id, 1 + (i % bare.audience)));
  });
  await awaitDeliveries(floor, expected);
  bare.subs.onDelivery = undefined;
  return {
    delivery,
    calls: run.latencies,
    floor,
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

    const subs = await connectSubscribers(ctx, await ctx.wsUrl(), markReadPoke(ctx, pool.slice(0, 10)));
    const server = await startBareServer();
    const authorizationOf = new Map<number, string>();
    for (const f of seed.ids.fanout) authorizationOf.set(f.msgID, await client.authorization(f.sender));
    const audience = ctx.scale.bigGroup - 1;
    const bareSubs = await connectSubscribers(ctx, server.wsUrl, async (silent) => {
      for (const id of silent) server.publish(authorizationOf.get(id)!, bigGroupReceipt(ctx.seed, id, 1));
    });
    const bare: Bare = { server, subs: bareSubs, authorizationOf, audience };
    let steady: Phase;
    let busy: Phase;
    try {
      steady = await phase(ctx, subs, bare, readers(0), callsPerSecond);
      busy = await phase(ctx, subs, bare, readers(1), 0);
    } finally {
      await Promise.all([subs.close(), bareSubs.close()]);
      await server.close();
    }

    const n = subscribers.toLocaleString('en-US');
    const steadyName = `${n} subscribers, ${callsPerSecond} markRead/s × ${idsPerCall} ids (${steady.receiptsPerSecond} receipts/s)`;
    const busyName = `${n} subscribers, saturated: ${concurrency} calls in flight (${busy.receiptsPerSecond} receipts/s)`;
    const figures: Figure[] = [steady, busy].flatMap((p, k) => {
      const name = k === 0 ? steadyName : busyName;
      return [
        figure(
          'W5',
          `${name}: markRead start → delivery (floor: bare graphql-ws publish → delivery)`,
          'ms',
          summarize(p.delivery),
          summarize(p.floor),
        ),
        figure('W5', `${name}: markRead call latency`, 'ms', summarize(p.calls)),
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
