/**
 * cron-missed, one key per job: an enabled job's next run is overdue by more than its grace and no
 * newer run has been reported. Resolves as soon as a run arrives (or the job is disabled or gone).
 */
import type { Decision, OpenEvents } from '../decision.ts';
import { humanDuration } from '../../human-format.ts';
import type { CronJobFacts } from './cron-failed.ts';

export interface CronMissedThresholds {
  /** Overrides the default grace: half the interval for `every` jobs, within 2–30 min; else 10 min. */
  graceSeconds?: number;
}

export function cronMissedGraceSeconds(job: CronJobFacts, thresholds: CronMissedThresholds): number {
  if (thresholds.graceSeconds !== undefined) return thresholds.graceSeconds;
  if (job.everyMs) return Math.min(1800, Math.max(120, Math.round(job.everyMs / 2000)));
  return 600;
}

export function decideCronMissed(jobs: readonly CronJobFacts[], open: OpenEvents, now: Date, thresholds: CronMissedThresholds): Decision[] {
  const decisions: Decision[] = [];
  const listed = new Set<string>();
  for (const job of jobs) {
    listed.add(job.id);
    const current = open.get(job.id);
    const due = job.nextRunAt;
    const overdueMs = due ? now.getTime() - due.getTime() : 0;
    const ranSinceDue = due !== undefined && job.lastRunAt !== undefined && job.lastRunAt >= due;
    const missed = job.enabled && due !== undefined && !ranSinceDue && overdueMs > cronMissedGraceSeconds(job, thresholds) * 1000;
    // Most jobs of most instances are neither missed nor open: they cost no figures.
    if (!missed && !current) continue;
    const details = { name: job.name, dueAt: due?.toISOString() ?? null, lastRunAt: job.lastRunAt?.toISOString() ?? null, overdueSeconds: Math.round(overdueMs / 1000) };
    if (missed && !current) {
      decisions.push({ action: 'open', key: job.id, summary: `cron job "${job.name}" was due ${humanDuration(overdueMs)} ago and has not run`, details });
    } else if (missed) {
      decisions.push({ action: 'keep', key: job.id, details });
    } else {
      const why = !job.enabled ? 'was disabled' : 'ran';
      decisions.push({ action: 'resolve', key: job.id, summary: `cron job "${job.name}" ${why}`, details });
    }
  }
  for (const [key, current] of open) {
    if (!listed.has(key)) decisions.push({ action: 'resolve', key, summary: `cron job "${String(current.details.name ?? key)}" no longer exists`, details: current.details });
  }
  return decisions;
}
