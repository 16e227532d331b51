/**
 * What a snapshot of a state directory must say, computed the plain way from the raw files — every
 * line parsed, every row read, nothing incremental, no agent code — so the agent's streaming,
 * filtering and cursors are checked against an independent reading.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { forEachAgent } from './agent-databases.ts';
import { zstdDecompressSync } from 'node:zlib';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');

export interface ExpectedBucket {
  hour: string;
  model: string;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  errors: number;
  missingCost: number;
}

/** Every transcript line of a state dir, JSON and SQLite agents alike. */
export function transcriptLines(stateDir: string): string[] {
  const lines: string[] = [];
  forEachAgent(stateDir, (agentDir, database) => {
    if (database) {
      for (const row of database.prepare('SELECT event_json, event_zstd FROM transcript_events ORDER BY rowid').all() as { event_json: string | null; event_zstd: Uint8Array | null }[]) {
        lines.push(row.event_json ?? zstdDecompressSync(row.event_zstd!).toString('utf8'));
      }
      return;
    }
    const sessions = join(agentDir, 'sessions');
    if (!existsSync(sessions)) return;
    for (const name of readdirSync(sessions)) {
      if (name.includes('.trajectory') || !/\.jsonl(\.(reset|deleted)\..+)?$/.test(name)) continue;
      const text = readFileSync(join(sessions, name), 'utf8');
      // A last line without its newline is still being written: not counted yet.
      const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      lines.push(...complete.split('\n').filter((line) => line.trim() !== ''));
    }
  });
  return lines;
}

/** Hourly buckets by provider/model from the assistant messages, each entry counted once. */
export function expectedUsage(stateDir: string, windowStartMs: number): ExpectedBucket[] {
  const buckets = new Map<string, ExpectedBucket>();
  const seen = new Set<string>();
  for (const line of transcriptLines(stateDir)) {
    let entry: any;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry?.type !== 'message' || entry.message?.role !== 'assistant') continue;
    const at = Date.parse(entry.timestamp);
    if (at < windowStartMs) continue;
    const key = `${entry.id}|${at}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hour = new Date(Math.floor(at / 3_600_000) * 3_600_000).toISOString();
    const model = `${entry.message.provider}/${entry.message.model}`;
    const id = `${hour} ${model}`;
    const bucket = buckets.get(id) ?? { hour, model, runs: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, errors: 0, missingCost: 0 };
    const usage = entry.message.usage ?? {};
    bucket.runs += 1;
    bucket.inputTokens += usage.input ?? 0;
    bucket.outputTokens += usage.output ?? 0;
    bucket.cacheReadTokens += usage.cacheRead ?? 0;
    bucket.cacheWriteTokens += usage.cacheWrite ?? 0;
    if (typeof usage.cost?.total === 'number') bucket.costUsd += usage.cost.total;
    else bucket.missingCost += 1;
    if (entry.message.stopReason === 'error') bucket.errors += 1;
    buckets.set(id, bucket);
  }
  return [...buckets.values()].sort((a, b) => a.hour.localeCompare(b.hour) || a.model.localeCompare(b.model));
}

export interface ExpectedSession {
  updatedAt?: number;
  status?: string;
}

/** Session entries: sessions.json values, or session_nodes rows. */
export function expectedSessions(stateDir: string): ExpectedSession[] {
  const sessions: ExpectedSession[] = [];
  forEachAgent(stateDir, (agentDir, database) => {
    if (database) {
      for (const row of database.prepare('SELECT status, updated_at FROM session_nodes').all() as { status: string | null; updated_at: number }[]) {
        sessions.push({ status: row.status ?? undefined, updatedAt: row.updated_at });
      }
      return;
    }
    const file = join(agentDir, 'sessions', 'sessions.json');
    if (!existsSync(file)) return;
    for (const entry of Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>)) {
      sessions.push({ status: entry.status, updatedAt: entry.updatedAt });
    }
  });
  return sessions;
}

export interface ExpectedCronJob {
  id: string;
  name: string;
  enabled: boolean;
  schedule: any;
  state: any;
}

/** Cron job definitions and states: jobs.json + jobs-state.json, or cron_jobs rows. */
export function expectedCron(stateDir: string): ExpectedCronJob[] {
  const db = join(stateDir, 'state', 'openclaw.sqlite');
  if (existsSync(db)) {
    const database = new DatabaseSync(db, { readOnly: true });
    const rows = database.prepare('SELECT job_id, job_json, state_json FROM cron_jobs').all() as { job_id: string; job_json: string; state_json: string }[];
    database.close();
    return rows.map((row) => {
      const job = JSON.parse(row.job_json);
      return { id: row.job_id, name: job.name, enabled: job.enabled, schedule: job.schedule, state: JSON.parse(row.state_json) };
    });
  }
  const jobsFile = join(stateDir, 'cron', 'jobs.json');
  if (!existsSync(jobsFile)) return [];
  const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')).jobs as any[];
  const stateFile = join(stateDir, 'cron', 'jobs-state.json');
  const states = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')).jobs : {};
  return jobs.map((job) => ({ id: job.id, name: job.name, enabled: job.enabled, schedule: job.schedule, state: states[job.id]?.state ?? job.state ?? {} }));
}
