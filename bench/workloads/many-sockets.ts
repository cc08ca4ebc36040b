// W8: one user with many sockets. The owner opens N graphql-ws sockets (in child processes, see
// sockets/swarm.ts), all subscribed to receiptUpdated for the big group; one new reader per event
// reads the owner's message. Latency is from the start of that markRead to each socket's arrival;
// every socket must get every event exactly once, with the right figures. The floor: the same
// sockets on a server that serializes the same payload once and sends it (bare-fanout.ts).
import { performance } from 'node:perf_hooks';
import { startFanoutFloor } from '../bare-fanout.ts';
import { bigGroupReceipt } from '../bare-yoga.ts';
import { RECEIPT_UPDATED, type ReceiptFigures } from '../client.ts';
import { userID } from '../seed-plan.ts';
import { openSwarm, type Swarm } from '../sockets/swarm.ts';
import { summarize } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Target, type Workload } from '../types.ts';

/** Unmeasured events that make sure every subscription is live (graphql-ws acknowledges none). */
const MAX_POKES = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wallNow = () => performance.timeOrigin + performance.now();

type Arrivals = { at: number[]; duplicates: number };

class EventLog {
  readonly byReadCount = new Map<number, Arrivals>();
  wrong: string[] = [];

  private readonly msgID: string;
  private readonly audience: number;

  constructor(msgID: string, audience: number) {
    this.msgID = msgID;
    this.audience = audience;
  }

  record(key: string, at: number[], duplicates: number) {
    const r = (JSON.parse(key) as { receiptUpdated?: ReceiptFigures }).receiptUpdated;
    if (!r || r.msgID !== this.msgID || r.readCount + r.unreadCount !== this.audience) {
      if (this.wrong.length < 3) this.wrong.push(key);
      return;
    }
    const arrivals = this.byReadCount.get(r.readCount) ?? { at: [], duplicates: 0 };
    this.byReadCount.set(r.readCount, arrivals);
    arrivals.at.push(...at);
    arrivals.duplicates += duplicates;
  }

  /** Waits until `count` sockets have the event with this readCount (or the time is up). */
  async waitFor(readCount: number, count: number, ms: number): Promise<Arrivals | undefined> {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(5)) {
      const a = this.byReadCount.get(readCount);
      if (a && a.at.length >= count) return a;
    }
    return undefined;
  }
}

type Phase = { sockets: number; latencies: number[]; lastSocket: number[]; duplicates: number; missing: number };

/** Where the sockets connect, and how to cause one event there (it returns the event's readCount). */
type Source = { url: string; fire(): Promise<number> };

async function phase(ctx: BenchContext, sockets: number, source: Source, log: EventLog): Promise<Phase> {
  const authorization = await ctx.client.authorization(ctx.seed.owner);
  const spec = { authorization, query: RECEIPT_UPDATED, variables: { conversationID: ctx.seed.big.key } };
  const swarm: Swarm = await openSwarm(source.url, Array(sockets).fill(spec));
  swarm.onDelivery = (key, at, duplicates) => log.record(key, at, duplicates);
  const out: Phase = { sockets, latencies: [], lastSocket: [], duplicates: 0, missing: 0 };
  try {
    let live = false;
    for (let poke = 0; poke < MAX_POKES && !live; poke++) {
      live = Boolean(await log.waitFor(await source.fire(), sockets, 3_000 + sockets));
    }
    if (!live) throw new Error(`W8: ${sockets} sockets never all went live`);
    for (let event = 0; event < ctx.scale.sockets.events; event++) {
      const start = wallNow();
      const arrivals = await log.waitFor(await source.fire(), sockets, 60_000);
      const at = arrivals?.at ?? [];
      out.latencies.push(...at.map((t) => t - start));
      out.lastSocket.push(Math.max(...at) - start);
      out.missing += sockets - at.length;
      // A socket that got the event twice would show up a little later: give it time to.
      await sleep(50);
      out.duplicates += arrivals?.duplicates ?? 0;
    }
    return out;
  } finally {
    swarm.onDelivery = undefined;
    await swarm.close();
  }
}

export const manySocketsWorkload: Workload = {
  id: 'W8',
  title: 'delivery to many sockets of one user',
  async run(ctx) {
    const { few, many, events } = ctx.scale.sockets;
    const { singleCalls, batchCalls } = ctx.scale.markRead;
    // Readers W1 (the first of the pool) and W5 (the last) do not use.
    const start = Math.max(singleCalls, batchCalls);
    const readers = ctx.seed.readerPool.slice(start, start + 2 * (MAX_POKES + events)).map(userID);
    await ctx.client.signIn([ctx.seed.owner, ...readers]);
    const msgID = ctx.seed.ids.sockets;
    const audience = ctx.scale.bigGroup - 1;
    const [log, bareLog] = [new EventLog(String(msgID), audience), new EventLog(String(msgID), audience)];
    let readCount = 0;
    const service: Source = {
      url: await ctx.wsUrl(),
      async fire() {
        const reader = readers.shift();
        if (!reader) throw new Error('W8: out of readers');
        await ctx.client.markRead(reader, [msgID]);
        return ++readCount;
      },
    };
    // The floor: the same sockets on a publish-once, serialize-once server, sent the same payload.
    const server = await startFanoutFloor();
    const authorization = await ctx.client.authorization(ctx.seed.owner);
    let bareCount = 0;
    const bare: Source = {
      url: server.wsUrl,
      async fire() {
        const n = ++bareCount;
        server.publish(authorization, bigGroupReceipt(ctx.seed, msgID, n));
        return n;
      },
    };
    const phases: Phase[] = [];
    const floors: Phase[] = [];
    try {
      for (const n of [few, many]) {
        phases.push(await phase(ctx, n, service, log));
        floors.push(await phase(ctx, n, bare, bareLog));
      }
    } finally {
      await server.close();
    }
    if (log.wrong.length) throw new Error(`W8: wrong payloads: ${log.wrong.join(' ')}`);
    const figures: Figure[] = phases.flatMap((p, k) => [
      figure(
        'W8',
        `${p.sockets.toLocaleString('en-US')} sockets: markRead start → each socket (floor: serialize once, send to each socket)`,
        'ms',
        summarize(p.latencies),
        summarize(floors[k].latencies),
      ),
      figure(
        'W8',
        `${p.sockets.toLocaleString('en-US')} sockets: markRead start → last socket (floor: serialize once, send)`,
        'ms',
        summarize(p.lastSocket),
        summarize(floors[k].lastSocket),
      ),
    ]);
    const [small, big] = phases.map((p) => summarize(p.latencies));
    const ratio = big.p99 / small.p99;
    const [floorSmall, floorBig] = floors.map((p) => summarize(p.latencies));
    const exact = phases.every((p) => p.duplicates === 0 && p.missing === 0);
    const targets: Target[] = [
      {
        workload: 'W8',
        text: `Delivery to ${many.toLocaleString('en-US')} sockets of one user: p99 ≤ 10× the p99 for ${few}`,
        pass: ratio <= 10,
        detail: `p99 ${big.p99.toFixed(1)} ms vs ${small.p99.toFixed(1)} ms = ${ratio.toFixed(1)}× (p50 ${big.median.toFixed(1)} vs ${small.median.toFixed(1)} ms)`,
      },
      {
        workload: 'W8',
        text: `Delivery to ${many.toLocaleString('en-US')} sockets of one user: p99 ≤ 1.5× the floor's (serialize once, send to each)`,
        pass: big.p99 <= 1.5 * floorBig.p99,
        detail: `p99 ${big.p99.toFixed(1)} ms vs floor ${floorBig.p99.toFixed(1)} ms = ${(big.p99 / floorBig.p99).toFixed(2)}× (the floor itself: ${(floorBig.p99 / floorSmall.p99).toFixed(1)}× its p99 at ${few})`,
      },
      {
        workload: 'W8',
        text: 'Every socket gets every event exactly once, with the right figures',
        pass: exact,
        detail: phases.map((p) => `${p.sockets}: ${p.missing} missing, ${p.duplicates} duplicates`).join('; '),
      },
    ];
    const notes = [
      `floor (serialize once, one send per socket): p99 ${floorBig.p99.toFixed(1)} ms at ${many.toLocaleString('en-US')} vs ${floorSmall.p99.toFixed(1)} ms at ${few} = ${(floorBig.p99 / floorSmall.p99).toFixed(1)}× (p50 ${floorBig.median.toFixed(1)} vs ${floorSmall.median.toFixed(1)} ms); the service at ${many.toLocaleString('en-US')} sockets: p99 ${(big.p99 / floorBig.p99).toFixed(2)}× the floor; clients run in 2 child processes on the same machine, so their own reading time is in every figure`,
    ];
    return { figures, targets, notes };
  },
};
