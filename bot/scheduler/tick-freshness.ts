/**
 * Whether this worker's scheduler is still ticking: the worker's `/readyz` goes red when a job
 * that should run every tick has not finished a run here for a few tick intervals — the cron
 * stopped, a run hangs, or every run fails (the database went away). A run that found another
 * worker leading counts as a tick: following is healthy.
 */
import type { JobRun, SchedulerObserver } from './scheduler-observer.ts';

export type TickReadiness = { ready: true } | { ready: false; reason: string };

/** Ticks a job may miss before the worker is not ready; the floor covers a delivery run's 10 s budget. */
const MISSED_TICKS = 3;
const FLOOR_SECONDS = 30;

export class TickFreshness implements SchedulerObserver {
  readonly #lastTick = new Map<string, number>();
  readonly #staleAfterMs: number;
  readonly #clock: () => Date;

  /** `jobs`: the jobs that run every tick; each counts as ticked at start-up. */
  constructor(options: { jobs: string[]; tickSeconds: number; clock?: () => Date }) {
    this.#clock = options.clock ?? (() => new Date());
    this.#staleAfterMs = Math.max(MISSED_TICKS * options.tickSeconds, FLOOR_SECONDS) * 1000;
    const now = this.#clock().getTime();
    for (const job of options.jobs) this.#lastTick.set(job, now);
  }

  ran(run: JobRun): void {
    if (run.ok && this.#lastTick.has(run.job)) this.#lastTick.set(run.job, run.finishedAt.getTime());
  }

  readiness(): TickReadiness {
    const now = this.#clock().getTime();
    const late = [...this.#lastTick].filter(([, at]) => now - at > this.#staleAfterMs);
    if (late.length === 0) return { ready: true };
    const described = late.map(([job, at]) => `${job} (last ${Math.round((now - at) / 1000)} s ago)`).join(', ');
    return { ready: false, reason: `scheduler not ticking: no finished run of ${described}; expected one every tick, at most ${this.#staleAfterMs / 1000} s apart` };
  }
}
