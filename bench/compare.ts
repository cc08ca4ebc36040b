// Shared by the latency workloads: GraphQL operations against their floors, run alternately so
// all see the same cache and machine state; and statement counts.
import { single, summarize, timeRuns } from './stats.ts';
import { type BenchContext, type Figure, figure } from './types.ts';

/** One latency figure: a GraphQL operation and its floor. */
export type LatencyCase = { name: string; gql: () => Promise<unknown>; floor: () => Promise<unknown> };

/**
 * Runs every case's GraphQL operation and floor in turn, in blocks of ten, until each has
 * ctx.scale.latencyRuns samples: drift over the run (other load, GC, WAL growth) lands on every
 * case alike, so figures that are compared with each other (page 1 and the last page, 10 and
 * 100,000 members) are measured at the same moments.
 */
export async function compareLatencies(ctx: BenchContext, workload: string, cases: LatencyCase[]): Promise<Figure[]> {
  const runs = ctx.scale.latencyRuns;
  const samples = cases.map(() => ({ value: [] as number[], base: [] as number[] }));
  for (let done = 0; done < runs; done += 10) {
    const block = Math.min(10, runs - done);
    const warmup = done === 0 ? 5 : 1;
    for (const [i, c] of cases.entries()) {
      samples[i].value.push(...(await timeRuns(block, c.gql, warmup)));
      samples[i].base.push(...(await timeRuns(block, c.floor, warmup)));
    }
  }
  return cases.map((c, i) => figure(workload, c.name, 'ms', summarize(samples[i].value), summarize(samples[i].base)));
}

/** SQL statements the server runs for one call of `op` (after a warm-up call). */
export async function countStatements(ctx: BenchContext, op: () => Promise<unknown>, keepLog = false) {
  await op();
  ctx.statements.count = 0;
  ctx.statements.log = keepLog ? [] : null;
  await op();
  const result = { count: ctx.statements.count, log: ctx.statements.log ?? [] };
  ctx.statements.log = null;
  return result;
}

export function statementFigure(workload: string, name: string, count: number, floorCount = 1): Figure {
  return figure(workload, name, 'statements', single(count), single(floorCount));
}
