// The background loop both sweeps share (retention.ts, leave-sweep.ts): one short transaction
// per step, a pause between steps while there is more to do, and a longer wait when idle, so a
// sweep never holds SQLite's single writer (or a message's row lock) for long. Progress lives
// in the database, so a loop killed at any point resumes where the last commit left it.

/** One step: true when there may be more to do at once (after the pause). */
export type SweepStepFn = () => Promise<boolean>;

/** Runs `step` until it says nothing is left (tests and the bench); returns the sum of `done`. */
export async function stepUntilDone<S extends { more: boolean }>(
  step: () => Promise<S>,
  done: (s: S) => number,
): Promise<number> {
  let total = 0;
  for (let s = await step(); ; s = await step()) {
    total += done(s);
    if (!s.more) return total;
  }
}

export class SweepLoop {
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  /** Set by a wake() that came during a step: that step may have looked before the new work. */
  private woken = false;

  private readonly name: string;
  private readonly step: SweepStepFn;
  private readonly timing: () => { pauseMs: number; intervalMs: number };

  constructor(name: string, step: SweepStepFn, timing: () => { pauseMs: number; intervalMs: number }) {
    this.name = name;
    this.step = step;
    this.timing = timing;
  }

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  /** Ends an idle wait now (new work was just committed); does nothing when not started. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let more = false;
      this.woken = false;
      try {
        more = await this.step();
      } catch (error) {
        console.error(`[${this.name}] sweep step failed; retrying after the interval`, error);
      }
      if (this.stopped) break;
      const { pauseMs, intervalMs } = this.timing();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, more || this.woken ? pauseMs : intervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}
