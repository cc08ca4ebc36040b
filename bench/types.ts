// What every workload produces: figures measured through GraphQL, each next to a floor measured
// in the same run on the same data by hand-written SQL through the same driver.
import type { Provider } from '../src/db/client.ts';
import type { App } from '../src/server/app.ts';
import type { BenchClient } from './client.ts';
import type { RawDb } from './raw-db.ts';
import type { Scale } from './scale.ts';
import type { SeedInfo } from './seed-plan.ts';
import type { Summary } from './stats.ts';

export type Figure = {
  workload: string;
  name: string;
  unit: string;
  /** Rates: a bigger number is better, and "p99" means the slowest 1%. */
  higherIsBetter?: boolean;
  value: Summary;
  floor?: Summary;
  /** value.median / floor.median. */
  ratio?: number;
};

export type Target = { workload: string; text: string; pass: boolean; detail: string };

export type WorkloadResult = { figures: Figure[]; targets: Target[]; notes: string[]; seconds: number; rssMB: number };

/** Counts the SQL statements the server's Prisma client runs (buildApp's onQuery). */
export type StatementCounter = { count: number; log: string[] | null };

export type BenchContext = {
  /** The app under test, for work no client can ask for (the retention sweep, W7). */
  app: App;
  provider: Provider;
  scale: Scale;
  seed: SeedInfo;
  client: BenchClient;
  raw: RawDb;
  statements: StatementCounter;
  /** Starts the real HTTP/WebSocket server (once) and returns the ws:// URL. */
  wsUrl(): Promise<string>;
  /** WebSocket connections the server has open now (the hostile workload waits for drops). */
  openSockets(): number;
};

export type Workload = {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<{ figures: Figure[]; targets?: Target[]; notes?: string[] }>;
};

export function figure(
  workload: string,
  name: string,
  unit: string,
  value: Summary,
  floor?: Summary,
  higherIsBetter = false,
): Figure {
  const ratio = floor && floor.median > 0 ? value.median / floor.median : undefined;
  return { workload, name, unit, value, floor, ratio, higherIsBetter: higherIsBetter || undefined };
}
