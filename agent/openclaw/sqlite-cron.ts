/**
 * Cron jobs of the SQLite eras (OpenClaw >= 2026.6): `state/openclaw.sqlite`, table `cron_jobs`,
 * whose `job_json` and `state_json` hold the same shapes the JSON era kept in files. The newest
 * finished run comes from the history table of the release — `cron_run_logs` (2026.6–7) or
 * `cron_run_receipts` (>= 2026.8) — only for jobs whose state says nothing about their last run.
 * Payload, delivery and error-text columns are never selected.
 */
import type { CronJobState } from '../../ingest/contract.ts';
import { cronJobState, type CronRunRecord } from './cron-job.ts';
import { hasTable, readDatabase, tableColumns, type Database } from './sqlite.ts';
import { UnsupportedLayoutError } from './unsupported-layout.ts';
import { asRecord, epochMs, nonNegativeInteger } from './values.ts';

interface CronRow {
  id: string;
  name: unknown;
  enabled: unknown;
  job: unknown;
  state: unknown;
}

export function readSqliteCron(dbPath: string, busyTimeoutMs: number): CronJobState[] {
  return readDatabase(dbPath, busyTimeoutMs, (db) => {
    const columns = tableColumns(db, 'cron_jobs');
    if (!columns.has('job_id') || !columns.has('job_json')) throw new UnsupportedLayoutError(`${dbPath} has no cron_jobs.job_json`);
    const state = columns.has('state_json') ? 'state_json' : 'NULL';
    const order = columns.has('updated_at') ? 'updated_at' : 'rowid';
    const rows = db.prepare(`SELECT job_id AS id, name, enabled, job_json AS job, ${state} AS state FROM cron_jobs ORDER BY ${order}`).all() as unknown as CronRow[];

    // One job id may sit under several store keys; the most recently updated row wins.
    const byId = new Map<string, { job: Record<string, unknown>; state: Record<string, unknown> }>();
    for (const row of rows) {
      const job = { ...parseObject(row.job), id: row.id } as Record<string, unknown>;
      if (job.name === undefined && typeof row.name === 'string') job.name = row.name;
      if (job.enabled === undefined && row.enabled !== null) job.enabled = row.enabled !== 0;
      byId.set(row.id, { job, state: parseObject(row.state) });
    }
    const lacking = [...byId.entries()].filter(([, { state: s }]) => s.lastRunStatus === undefined && s.lastStatus === undefined).map(([id]) => id);
    const history = lacking.length > 0 ? lastRuns(db) : new Map<string, CronRunRecord>();

    const jobs: CronJobState[] = [];
    for (const [id, { job, state: s }] of byId) {
      const normalized = cronJobState(job, s, history.get(id));
      if (normalized) jobs.push(normalized);
    }
    return jobs;
  });
}

function parseObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    return asRecord(JSON.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/** Newest finished run per job id, from whichever history table this release has. */
function lastRuns(db: Database): Map<string, CronRunRecord> {
  const runs = new Map<string, CronRunRecord>();
  if (hasTable(db, 'cron_run_receipts')) {
    const rows = db
      .prepare(`SELECT job_id AS id, status, started_at_ms AS started, finished_at_ms AS finished FROM cron_run_receipts WHERE finished_at_ms IS NOT NULL ORDER BY finished_at_ms`)
      .all() as { id: string; status: string; started: number; finished: number }[];
    for (const row of rows) {
      const started = epochMs(row.started);
      const finished = epochMs(row.finished);
      runs.set(row.id, { atMs: started, status: row.status, durationMs: started !== undefined && finished !== undefined ? finished - started : undefined });
    }
  } else if (hasTable(db, 'cron_run_logs')) {
    const columns = tableColumns(db, 'cron_run_logs');
    if (!columns.has('job_id') || !columns.has('status')) return runs;
    const at = columns.has('run_at_ms') ? 'run_at_ms' : columns.has('ts') ? 'ts' : 'NULL';
    const duration = columns.has('duration_ms') ? 'duration_ms' : 'NULL';
    const order = columns.has('ts') ? 'ts' : 'rowid';
    const rows = db.prepare(`SELECT job_id AS id, status, ${at} AS at, ${duration} AS duration FROM cron_run_logs ORDER BY ${order}`).all() as {
      id: string;
      status: string;
      at: number | null;
      duration: number | null;
    }[];
    for (const row of rows) runs.set(row.id, { atMs: epochMs(row.at), status: row.status, durationMs: nonNegativeInteger(row.duration) });
  }
  return runs;
}
