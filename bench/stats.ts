// The one timing helper every workload uses: sequential runs, or a fixed number of operations
// over a pool of concurrent workers; and median / p99 of what they measured.
import { performance } from 'node:perf_hooks';

export type Summary = { median: number; p99: number; n: number; min?: number; max?: number };

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** For rates (higher is better) "p99" is the slow tail: the 1st percentile. */
export function summarize(samples: number[], higherIsBetter = false): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p99: percentile(sorted, higherIsBetter ? 1 : 99),
    n: sorted.length,
    min: sorted[0],
    max: sorted.at(-1),
  };
}

/** One value measured once (a count, a size): median and p99 are that value. */
export const single = (value: number): Summary => ({ median: value, p99: value, n: 1 });

/** Milliseconds that `op` takes, over `runs` sequential runs after `warmup` unmeasured ones. */
export async function timeRuns(
  runs: number,
  op: (i: number) => Promise<unknown> | unknown,
  warmup = Math.min(5, runs),
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await op(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

export type PoolRun = { elapsedMs: number; latencies: number[] };

/** Runs op(0..count-1) with at most `concurrency` in flight; wall time and per-op latency. */
export async function runPool(
  count: number,
  concurrency: number,
  op: (i: number) => Promise<unknown> | unknown,
): Promise<PoolRun> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const start = performance.now();
      await op(i);
      latencies[i] = performance.now() - start;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { elapsedMs: performance.now() - start, latencies };
}

export const rssMB = () => process.memoryUsage().rss / 2 ** 20;
