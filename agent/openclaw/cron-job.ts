/**
 * One cron job as the snapshot carries it, from OpenClaw's job definition and run state. Every era
 * stores the same two JSON shapes (`jobs.json` + `jobs-state.json`, or `cron_jobs.job_json` +
 * `state_json`), so this is the one place that maps them — field by field. The payload (the
 * prompt the job sends), its delivery target and the last error's text are never read.
 */
import type { CronJobState } from '../../ingest/contract.ts';
import { hash53 } from '../usage-ledger.ts';
import { asRecord, epochMs, isoFromMs, nonNegativeInteger } from './values.ts';

/** The newest finished run from the run history, used where the job's state lacks it. */
export interface CronRunRecord {
  atMs?: number;
  status?: string;
  durationMs?: number;
}

const STATUSES = new Set(['ok', 'error', 'skipped']);
/** The contract's ceiling; a job failing longer than that is failing, whatever the exact count. */
const MAX_CONSECUTIVE_ERRORS = 1_000_000_000;

export function cronJobState(job: Record<string, unknown>, state: Record<string, unknown> | undefined, lastRun?: CronRunRecord): CronJobState | undefined {
  const rawId = job.id;
  if (typeof rawId !== 'string' || rawId.length === 0) return undefined;
  const id = /^[A-Za-z0-9._:-]{1,128}$/.test(rawId) ? rawId : `job-${hash53(rawId).toString(36)}`;
  const enabled = job.enabled !== false && job.enabled !== 0;
  const stateRecord = state ?? {};

  const lastRunAtMs = epochMs(stateRecord.lastRunAtMs) ?? lastRun?.atMs;
  const status = cronStatus(stateRecord.lastRunStatus) ?? cronStatus(stateRecord.lastStatus) ?? cronStatus(lastRun?.status);
  const durationMs = nonNegativeInteger(stateRecord.lastDurationMs) ?? (lastRun?.durationMs !== undefined ? nonNegativeInteger(lastRun.durationMs) : undefined);
  const nextRunAtMs = epochMs(stateRecord.nextRunAtMs);
  const reason = status === 'error' ? errorReason(stateRecord.lastErrorReason) : undefined;

  const result: CronJobState = {
    id,
    name: jobName(job.name, id),
    enabled,
    schedule: schedule(job.schedule),
    consecutiveErrors: Math.min(nonNegativeInteger(stateRecord.consecutiveErrors) ?? 0, MAX_CONSECUTIVE_ERRORS),
  };
  if (lastRunAtMs !== undefined) result.lastRunAt = isoFromMs(lastRunAtMs);
  if (status) result.lastStatus = status;
  if (reason) result.lastErrorReason = reason;
  if (durationMs !== undefined) result.lastDurationMs = durationMs;
  if (nextRunAtMs !== undefined && enabled) result.nextRunAt = isoFromMs(nextRunAtMs);
  if (!enabled && wasAutoDisabled(stateRecord)) result.autoDisabled = true;
  return result;
}

function cronStatus(value: unknown): CronJobState['lastStatus'] {
  return typeof value === 'string' && STATUSES.has(value) ? (value as CronJobState['lastStatus']) : undefined;
}

/**
 * OpenClaw classifies failures (`rate_limit`, `auth`, `billing`, `timeout`, `server_error`…).
 * Only a value that already is such a code passes; anything with spaces — free text — becomes
 * `other`, so an error message can never ride out in this field.
 */
function errorReason(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const code = value.toLowerCase().replaceAll('-', '_');
  return /^[a-z][a-z0-9_]{0,31}$/.test(code) ? code : 'other';
}

/** OpenClaw disables a job whose schedule keeps failing to compute; a user disabling it leaves no such mark. */
function wasAutoDisabled(state: Record<string, unknown>): boolean {
  return state.autoDisabled === true || (nonNegativeInteger(state.scheduleErrorCount) ?? 0) > 0 || epochMs(state.autoDisabledAtMs) !== undefined;
}

function jobName(value: unknown, id: string): string {
  if (typeof value !== 'string') return id;
  const name = value.replace(/\s+/g, ' ').trim().slice(0, 200);
  return name === '' ? id : name;
}

function schedule(value: unknown): CronJobState['schedule'] {
  const record = asRecord(value);
  const kind = record?.kind;
  if (kind === 'cron') {
    const result: CronJobState['schedule'] = { kind: 'cron' };
    // Only the characters cron expressions and IANA zone names are made of.
    const expr = typeof record?.expr === 'string' ? record.expr.trim() : '';
    if (/^[\w*/,?#@ -]{1,128}$/.test(expr)) result.expr = expr;
    if (typeof record?.tz === 'string' && /^[A-Za-z0-9_+/-]{1,64}$/.test(record.tz)) result.tz = record.tz;
    return result;
  }
  if (kind === 'every') {
    const everyMs = nonNegativeInteger(record?.everyMs);
    return everyMs !== undefined && everyMs >= 1 ? { kind: 'every', everyMs } : { kind: 'every' };
  }
  if (kind === 'at') return { kind: 'at' };
  return { kind: 'other' };
}
