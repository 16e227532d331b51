/**
 * Cron jobs of the JSON era (OpenClaw <= 2026.5): `cron/jobs.json` (definitions), `cron/jobs-state.json`
 * (run state per job id; older releases kept it inline as `job.state`) and `cron/runs/<jobId>.jsonl`
 * (finished runs, read only for a job whose state says nothing about its last run — and then only
 * the file's tail).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { CronJobState } from '../../ingest/contract.ts';
import { cronJobState, type CronRunRecord } from './cron-job.ts';
import { readJsonStateFile } from './state-file-error.ts';
import { UnsupportedLayoutError } from './unsupported-layout.ts';
import { asRecord, epochMs, nonNegativeInteger } from './values.ts';

const RUN_LOG_TAIL_BYTES = 64 * 1024;

export function readJsonCron(cronDir: string): CronJobState[] {
  const jobsPath = join(cronDir, 'jobs.json');
  const parsed = readJsonStateFile(jobsPath);
  if (parsed === undefined) return [];
  const list = Array.isArray(parsed) ? parsed : asRecord(parsed)?.jobs;
  if (!Array.isArray(list)) throw new UnsupportedLayoutError(`${jobsPath} has no jobs list`);

  const statePath = join(cronDir, 'jobs-state.json');
  const stateFile = asRecord(readJsonStateFile(statePath));
  const states = asRecord(stateFile?.jobs);

  const jobs: CronJobState[] = [];
  for (const value of list) {
    const job = asRecord(value);
    if (!job || typeof job.id !== 'string') continue;
    const state = { ...asRecord(job.state), ...asRecord(asRecord(states?.[job.id])?.state) };
    // The id names a file here: only plain ids, so a crafted one cannot point outside runs/.
    const needsHistory = state.lastRunStatus === undefined && state.lastStatus === undefined && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(job.id);
    const lastRun = needsHistory ? lastFinishedRun(join(cronDir, 'runs', `${job.id}.jsonl`)) : undefined;
    const normalized = cronJobState(job, state, lastRun);
    if (normalized) jobs.push(normalized);
  }
  return jobs;
}

/** The newest `finished` line of a run log, from its last 64 KiB; undefined when there is none. */
export function lastFinishedRun(path: string): CronRunRecord | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, RUN_LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    for (let index = lines.length - 1; index >= 0; index -= 1) {
      let entry: Record<string, unknown> | undefined;
      try {
        entry = asRecord(JSON.parse(lines[index]!));
      } catch {
        continue; // a partial first line of the tail, or a half-written last one
      }
      if (!entry || (entry.action !== undefined && entry.action !== 'finished')) continue;
      return { atMs: epochMs(entry.runAtMs) ?? epochMs(entry.ts), status: typeof entry.status === 'string' ? entry.status : undefined, durationMs: nonNegativeInteger(entry.durationMs) };
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
