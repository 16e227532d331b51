/** What the scheduler tells an observer after each run of a job (metrics and the worker's /readyz). */
export interface JobRun {
  job: string;
  /** This process held the job's leader lock (and so did the work); false: another process did. */
  leader: boolean;
  /** The run finished without throwing (a run that was not leader is ok; a failed one reports leader false). */
  ok: boolean;
  seconds: number;
  finishedAt: Date;
}

export interface SchedulerObserver {
  ran(run: JobRun): void;
}
