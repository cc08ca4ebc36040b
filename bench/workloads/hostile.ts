// Hostile clients (issue 11): the server's memory before, during and after readers that stop
// reading and frames that announce 95 MB, and the latency of a trivial request while hostile
// documents arrive, as a ratio to its latency on an idle server. The server runs with the
// production defaults (src/transport-config.ts); RSS is the whole process (clients included),
// measured after a full GC where it says "settled". The latency test's attackers send from a thread
// of their own (hostile-attackers.ts), so their client work does not delay the timed request.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { parse, specifiedRules, validate } from 'graphql';
import { schema } from '../../src/schema/index.ts';
import { loadTransportConfig } from '../../src/transport-config.ts';
import { rssMB, single, summarize, timeRuns } from '../stats.ts';
import { type BenchContext, type Figure, figure, type Target, type Workload } from '../types.ts';
import type { AttackerData } from './hostile-attackers.ts';
import { bigFrame, slowReader } from './hostile-sockets.ts';

const ID = 'hostile';
const MARK_CONVERSATION_READ = `mutation($conversationID: String!) { markConversationRead(conversationID: $conversationID) { unreadCount } }`;
/** The reported document: 9.8 KB, 1,400 selections, under the token limit. */
const HOSTILE_DOCUMENT = `{ ${'me { userID } '.repeat(700)}}`;
/** A slow reader makes each event as big as it can: every field, and aliases up to the limit (15). */
const BIG_EVENTS = `subscription { receiptUpdated { msgID conversationID userID groupID isPeerRead timestamp readCount unreadCount ${Array.from({ length: 14 }, (_, i) => `c${i}: conversationID`).join(' ')} } }`;
/** Memory that must come back: what is left above the baseline once the attackers are gone. */
const LEFTOVER_MB = 64;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The highest RSS seen while `during` runs, sampled every 50 ms. */
async function peakRssMB(during: () => Promise<void>): Promise<number> {
  let peak = rssMB();
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMB());
  }, 50);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMB());
}

const mb = (name: string, value: number) => figure(ID, name, 'MB', single(value));

/** Pokes: strangers read their chat with `userID`, so each of its receiptUpdated streams gets an event. */
const poke = (ctx: BenchContext, userID: string, i: number) =>
  ctx.client.gql(`h-poker-${i % 100}`, MARK_CONVERSATION_READ, { conversationID: `C2C${userID}` });

type Memory = { rss: number; heap: number };

/** RSS and what the process still holds (V8 heap used, external and array buffers), after full GCs. */
async function settled(): Promise<Memory> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss: rss / 2 ** 20, heap: (heapUsed + external) / 2 ** 20 };
}

/** One round: `count` sockets subscribe `perSocket` times, stop reading, and are published to until dropped. */
async function slowReaderRound(ctx: BenchContext, count: number, perSocket: number) {
  const wsUrl = await ctx.wsUrl();
  const authorization = await ctx.client.authorization('h-slow');
  const openBefore = ctx.openSockets();
  const before = await settled();
  const readers = await Promise.all(
    Array.from({ length: count }, () => slowReader(wsUrl, authorization, perSocket, BIG_EVENTS)),
  );
  for (let i = 0; readers.some((r) => r.live() < perSocket); i++) {
    if (i > 400) throw new Error('hostile: slow readers never went live');
    await poke(ctx, 'h-slow', i);
    await sleep(20);
  }
  for (const reader of readers) reader.stopReading();
  const started = performance.now();
  let pokes = 0;
  const peak = await peakRssMB(async () => {
    while (ctx.openSockets() > openBefore && performance.now() - started < 60_000) {
      await Promise.all(Array.from({ length: 4 }, () => poke(ctx, 'h-slow', pokes++)));
      // In-process calls can run on microtasks alone: let timers and sockets in, as network calls would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const dropped = ctx.openSockets() === openBefore;
  for (const reader of readers) reader.destroy();
  const after = await settled();
  console.log(
    `[hostile] slow readers: ${dropped ? 'all dropped' : 'NOT all dropped'} after ${pokes} receipts, ${seconds.toFixed(1)} s; RSS ${before.rss.toFixed(0)} → peak ${peak.toFixed(0)} → ${after.rss.toFixed(0)} MB, heap + external ${before.heap.toFixed(0)} → ${after.heap.toFixed(0)} MB`,
  );
  return { before, peak, after, seconds, dropped, pokes };
}

async function slowReaders(ctx: BenchContext, figures: Figure[], targets: Target[], notes: string[]) {
  const limits = loadTransportConfig({}, true);
  const count = 4;
  const perSocket = limits.maxSubscriptionsPerSocket;
  // Twice: the second round shows whether memory the first one freed is reused or piles up.
  const rounds = [await slowReaderRound(ctx, count, perSocket), await slowReaderRound(ctx, count, perSocket)];
  rounds.forEach((r, i) => {
    const label = `slow readers round ${i + 1}`;
    figures.push(
      mb(`${label}: RSS before`, r.before.rss),
      mb(`${label}: RSS peak while they stop reading`, r.peak),
      mb(`${label}: RSS after they are dropped (settled)`, r.after.rss),
      mb(`${label}: heap + external before`, r.before.heap),
      mb(`${label}: heap + external after (settled)`, r.after.heap),
      figure(ID, `${label}: time until all are dropped`, 's', single(r.seconds)),
    );
    notes.push(
      `Slow readers round ${i + 1}: ${count} sockets × ${perSocket} subscriptions with events made big by aliases; ${r.pokes} receipts published (${(r.pokes * perSocket).toLocaleString('en-US')} events per socket) before every socket was dropped (WS_MAX_BUFFERED_BYTES ${limits.maxBufferedBytes / 2 ** 20} MiB, after the kernel's socket buffers filled).`,
    );
  });
  const [first, second] = rounds;
  targets.push(
    {
      workload: ID,
      text: 'every slow reader is dropped',
      pass: rounds.every((r) => r.dropped),
      detail: rounds.map((r) => `${r.seconds.toFixed(1)} s`).join(', '),
    },
    {
      workload: ID,
      text: `what the process holds comes back after slow readers (heap + external ≤ ${LEFTOVER_MB} MB above before)`,
      pass: second.after.heap - first.before.heap <= LEFTOVER_MB,
      detail: `${first.before.heap.toFixed(0)} → ${first.after.heap.toFixed(0)} → ${second.after.heap.toFixed(0)} MB`,
    },
    {
      workload: ID,
      text: `a second round does not add to RSS (≤ ${LEFTOVER_MB} MB above the first round's)`,
      pass: second.after.rss - first.after.rss <= LEFTOVER_MB,
      detail: `${first.before.rss.toFixed(0)} → ${first.after.rss.toFixed(0)} → ${second.after.rss.toFixed(0)} MB`,
    },
  );
}

async function bigFrames(ctx: BenchContext, figures: Figure[], targets: Target[], notes: string[]) {
  const wsUrl = await ctx.wsUrl();
  const before = await settled();
  let results: { code: number; sentBytes: number }[] = [];
  const peak = await peakRssMB(async () => {
    results = await Promise.all(Array.from({ length: 4 }, () => bigFrame(wsUrl, 95_000_000)));
  });
  const after = await settled();
  console.log(
    `[hostile] big frames: ${results.map((r) => r.code).join(', ')}; RSS ${before.rss.toFixed(0)} → peak ${peak.toFixed(0)} → ${after.rss.toFixed(0)} MB`,
  );
  figures.push(
    mb('4 unauthenticated 95 MB frames: RSS before', before.rss),
    mb('big frames: RSS peak', peak),
    mb('big frames: RSS after (settled)', after.rss),
  );
  const codes = [...new Set(results.map((r) => r.code))].join(', ');
  const sent = Math.max(...results.map((r) => r.sentBytes)) / 2 ** 20;
  notes.push(`Big frames: closed with ${codes}; at most ${sent.toFixed(0)} MiB of payload left a client before that.`);
  targets.push(
    { workload: ID, text: 'frames over the limit are closed with 1009', pass: codes === '1009', detail: codes },
    {
      workload: ID,
      text: `memory comes back after big frames (≤ ${LEFTOVER_MB} MB above before)`,
      pass: after.rss - before.rss <= LEFTOVER_MB,
      detail: `${before.rss.toFixed(0)} → peak ${peak.toFixed(0)} → ${after.rss.toFixed(0)} MB`,
    },
  );
}

/**
 * Sends the hostile document to `url` in 4 loops on a thread of their own, and times a trivial
 * request over and over until the loops have sent `documents` more (and at least `runs` trivial
 * requests are timed); the trivial latencies.
 */
async function underAttack(
  runs: number,
  documents: number,
  trivial: () => Promise<unknown>,
  attack: Omit<AttackerData, 'loops' | 'sent'>,
) {
  const sent = new Int32Array(new SharedArrayBuffer(4));
  const attackers = new Worker(new URL('./hostile-attackers.ts', import.meta.url), {
    workerData: { ...attack, loops: 4, sent: sent.buffer } satisfies AttackerData,
  });
  const exited = new Promise((resolve) => attackers.once('exit', resolve));
  const sentSoFar = () => Atomics.load(sent, 0);
  while (sentSoFar() < 4) await sleep(1);
  const from = sentSoFar();
  console.log(`[hostile] attackers running; timing the trivial request`);
  const samples: number[] = [];
  while (samples.length < runs || sentSoFar() - from < documents) {
    const start = performance.now();
    await trivial();
    samples.push(performance.now() - start);
    // An in-process request on SQLite can finish in microtasks alone: let the sockets in.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const total = sentSoFar() - from;
  attackers.postMessage('stop');
  await exited;
  return { samples, sent: total };
}

async function latency(ctx: BenchContext, figures: Figure[], targets: Target[], notes: string[]) {
  const runs = Math.max(100, ctx.scale.latencyRuns * 2);
  const httpUrl = (await ctx.wsUrl()).replace(/^ws/, 'http');
  await ctx.client.signIn(['h-trivial', 'h-attacker']);
  const trivial = () => ctx.client.gql('h-trivial', '{ me { userID } }', {});
  const body = JSON.stringify({ query: HOSTILE_DOCUMENT });
  const idle = summarize(await timeRuns(runs, trivial));
  const attacker = await ctx.client.authorization('h-attacker');
  const anonymous = await underAttack(runs, 200, trivial, { url: httpUrl, body });
  const signedIn = await underAttack(runs, 200, trivial, { url: httpUrl, body, authorization: attacker });
  const ratio = (s: number[]) => summarize(s).median / idle.median;
  figures.push(
    figure(ID, 'trivial request, idle server', 'ms', idle),
    figure(ID, 'trivial request, 4 loops of the 9.8 KB document without a token', 'ms', summarize(anonymous.samples)),
    figure(ID, 'trivial request, 4 loops of the 9.8 KB document with a token', 'ms', summarize(signedIn.samples)),
    figure(ID, 'trivial latency ratio: hostile without token / idle', '×', single(ratio(anonymous.samples))),
    figure(ID, 'trivial latency ratio: hostile with token / idle', '×', single(ratio(signedIn.samples))),
  );
  // What one such document would cost without the selection limit: graphql-js's rules alone.
  const document = parse(HOSTILE_DOCUMENT);
  const unguarded = summarize(await timeRuns(5, () => validate(schema, document, specifiedRules), 1));
  figures.push(figure(ID, 'validating the 9.8 KB document without the limit (reference)', 'ms', unguarded));
  notes.push(
    `Hostile documents sent while timing: ${anonymous.sent} without a token (refused per address after UNAUTHENTICATED_REQUESTS_PER_MINUTE, then 429), ${signedIn.sent} with one (QUERY_TOO_LARGE before validation).`,
  );
  for (const [name, samples] of [
    ['without', anonymous.samples],
    ['with', signedIn.samples],
  ] as const) {
    targets.push({
      workload: ID,
      text: `trivial request while hostile documents arrive ${name} a token ≤ 3× idle (median)`,
      pass: ratio(samples) <= 3,
      detail: `${summarize(samples).median.toFixed(2)} ms vs ${idle.median.toFixed(2)} ms = ${ratio(samples).toFixed(2)}×`,
    });
  }
}

export const hostileWorkload: Workload = {
  id: ID,
  title: 'hostile clients: memory and latency',
  async run(ctx) {
    const figures: Figure[] = [];
    const targets: Target[] = [];
    const notes: string[] = [];
    // BENCH_HOSTILE=frames,latency runs some of the three parts (default: all).
    const parts = process.env.BENCH_HOSTILE?.split(',') ?? ['slow', 'frames', 'latency'];
    if (parts.includes('slow')) await slowReaders(ctx, figures, targets, notes);
    if (parts.includes('frames')) await bigFrames(ctx, figures, targets, notes);
    if (parts.includes('latency')) await latency(ctx, figures, targets, notes);
    return { figures, targets, notes };
  },
};
