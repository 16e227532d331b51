/**
 * The worker's clock: runs each job on its cron schedule (node-cron), never overlapping itself,
 * logging failures instead of crashing. Each job says where it runs: on one worker of the fleet at
 * a time (a Postgres advisory lock per job name, run-as-leader.ts), or on every worker (work that
 * divides itself, like delivery's leased rows). Jobs are plain functions of `now`.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { Orm } from '../storage/orm.ts';
import { runAsLeader } from './run-as-leader.ts';
import type { SchedulerObserver } from './scheduler-observer.ts';

export interface ScheduledJob {
  name: string;
  /** A cron expression (`17 * * * *` = hourly at :17). */
  schedule: string;
  /**
   * `one-worker`: a singleton, whose run on two workers at once would repeat or collide (a
   * fleet-wide scan, a summary): it takes the job's advisory lock, and a worker that does not get
   * it skips the tick. `every-worker`: safe and useful everywhere at once, no lock.
   */
  runsOn: 'one-worker' | 'every-worker';
  /** `stopping` is aborted when the scheduler stops: a long job may end early and resume next time. */
  run(now: Date, stopping?: AbortSignal): Promise<void>;
}

export class Scheduler {
  readonly #orm: Orm;
  readonly #logger: Logger;
  readonly #jobs: ScheduledJob[];
  readonly #tasks: ScheduledTask[] = [];
  /** Runs in progress, by the job they run. */
  readonly #running = new Map<Promise<unknown>, string>();
  /** Jobs running in this process now, and whether a nudge arrived meanwhile (run again after). */
  readonly #inProgress = new Map<string, { again: boolean }>();
  #stopped = false;
  readonly #stopping = new AbortController();
  readonly #observer?: SchedulerObserver;

  constructor(orm: Orm, logger: Logger, jobs: ScheduledJob[], observer?: SchedulerObserver) {
    this.#orm = orm;
    this.#logger = logger;
    this.#jobs = jobs;
    this.#observer = observer;
  }

  start(): void {
    for (const job of this.#jobs) {
      // A tick is a nudge: while the job runs here it collapses into one rerun, never an overlap.
      this.#tasks.push(cron.schedule(job.schedule, () => this.runSoon(job.name), { name: job.name }));
    }
  }

  /** Runs one job at once (as leader, if it is a singleton); also what the cron ticks call. */
  async runNow(name: string, now = new Date()): Promise<void> {
    const job = this.#jobs.find((candidate) => candidate.name === name);
    if (!job) throw new Error(`no scheduled job named "${name}"`);
    const started = performance.now();
    const ran = (leader: boolean, ok: boolean) => this.#observer?.ran({ job: job.name, leader, ok, seconds: (performance.now() - started) / 1000, finishedAt: new Date() });
    const work = () => job.run(now, this.#stopping.signal);
    // An every-worker job leads its own run; a one-worker job leads only where it took the lock.
    const attempt = job.runsOn === 'one-worker' ? runAsLeader(this.#orm, job.name, work) : work().then(() => true);
    const run = attempt.then(
      (leader) => ran(leader, true),
      (error: unknown) => {
        this.#logger.error({ err: error, job: job.name }, 'scheduled job failed');
        // Whether the lock was ever taken is unknown here (the database may be gone): not leading.
        ran(false, false);
      },
    );
    this.#running.set(run, job.name);
    try {
      await run;
    } finally {
      this.#running.delete(run);
    }
  }

  /**
   * Runs a job as soon as possible, without waiting for its tick: now if it is idle here, or once
   * more right after the run in progress (whose snapshot of the work may predate the nudge).
   * Nudges that arrive during one run collapse into one rerun.
   */
  runSoon(name: string): void {
    if (this.#stopped) return;
    const current = this.#inProgress.get(name);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false };
    this.#inProgress.set(name, state);
    void (async () => {
      do {
        state.again = false;
        await this.runNow(name);
      } while (state.again && !this.#stopped);
      this.#inProgress.delete(name);
    })();
  }

  /** Stops ticking and waits for runs in progress. */
  /**
   * Stops scheduling and waits for the runs in progress (they see the abort signal), for at most
   * `waitMs`: a run stuck on an unanswering database must not hold a shutdown forever. What is
   * still running then is named in a warning, and the caller closes the database under it.
   */
  async stop(waitMs = 10_000): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    for (const task of this.#tasks) await task.stop();
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled([...this.#running.keys()]).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    if (!settled) this.#logger.warn({ jobs: [...this.#running.values()], waitedMs: waitMs }, 'stopping without waiting longer for jobs still running');
  }
}
