/**
 * cron-failed, one key per job: opens when a job's newest run ended in error, or the gateway
 * disabled the job after repeated errors; resolves when its next run is ok, or the job is gone.
 */
import type { Decision, OpenEvents } from '../decision.ts';

export interface CronJobFacts {
  id: string;
  name: string;
  enabled: boolean;
  lastRunAt?: Date;
  lastStatus?: 'ok' | 'error' | 'skipped';
  lastErrorReason?: string;
  nextRunAt?: Date;
  consecutiveErrors: number;
  autoDisabled?: boolean;
  /** Milliseconds between runs when the schedule says so (`every`), for the missed-run grace. */
  everyMs?: number;
}

export function decideCronFailed(jobs: readonly CronJobFacts[], open: OpenEvents): Decision[] {
  const decisions: Decision[] = [];
  const listed = new Set<string>();
  for (const job of jobs) {
    listed.add(job.id);
    const current = open.get(job.id);
    const failing = job.lastStatus === 'error' || job.autoDisabled === true;
    // Most jobs of most instances are fine and have nothing open: they cost no figures.
    if (!failing && !current) continue;
    const details = {
      name: job.name,
      lastRunAt: job.lastRunAt?.toISOString() ?? null,
      lastErrorReason: job.lastErrorReason ?? null,
      consecutiveErrors: job.consecutiveErrors,
      autoDisabled: job.autoDisabled ?? false,
    };
    if (failing && !current) {
      const reason = job.lastErrorReason ? ` (${job.lastErrorReason})` : '';
      const streak = job.consecutiveErrors > 1 ? `, ${job.consecutiveErrors} runs in a row` : '';
      const summary = job.autoDisabled
        ? `cron job "${job.name}" was disabled by the gateway after repeated errors${reason}`
        : `cron job "${job.name}" failed${reason}${streak}`;
      decisions.push({ action: 'open', key: job.id, summary, details });
    } else if (failing && current) {
      decisions.push({ action: 'keep', key: job.id, details });
    } else if (current && job.lastStatus === 'ok') {
      decisions.push({ action: 'resolve', key: job.id, summary: `cron job "${job.name}" ran fine again`, details });
    } else if (current) {
      decisions.push({ action: 'keep', key: job.id });
    }
  }
  for (const [key, current] of open) {
    if (!listed.has(key)) {
      decisions.push({ action: 'resolve', key, summary: `cron job "${String(current.details.name ?? key)}" no longer exists`, details: current.details });
    }
  }
  return decisions;
}
