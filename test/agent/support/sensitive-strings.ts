/**
 * Every string a snapshot must never carry, gathered from the places OpenClaw keeps them in a
 * state directory: prompts, replies, tool output and error text in transcripts; cron payloads,
 * delivery targets, run summaries and errors; session labels, skill prompts and system prompts;
 * the config's gateway token, provider API keys and URLs; device identities and tokens; the
 * workspace files; the security audit's finding text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { forEachAgent } from './agent-databases.ts';
import { transcriptLines } from './expected-figures.ts';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');

/** Shorter strings (`ok`, `none`, `last`) are words, not content. */
const MIN_LENGTH = 8;

export function sensitiveStrings(stateDir: string, cliOutDir?: string): Set<string> {
  const found = new Set<string>();
  /** A free-text field: every string in it. */
  const add = (value: unknown) => {
    for (const text of stringsIn(value)) {
      const trimmed = text.trim();
      if (trimmed.length >= MIN_LENGTH) found.add(trimmed);
    }
  };
  /**
   * A blob that mixes prose with identifiers the snapshot may legitimately name (model ids, job
   * names): its prose — strings with spaces, or long ones.
   */
  const addProse = (value: unknown) => {
    for (const text of stringsIn(value)) {
      const trimmed = text.trim();
      if (trimmed.length >= MIN_LENGTH && (/\s/.test(trimmed) || trimmed.length >= 40)) found.add(trimmed);
    }
  };

  // Transcripts: everything a message says, not its bookkeeping.
  for (const line of transcriptLines(stateDir)) {
    let entry: any;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry?.type !== 'message') continue;
    add(entry.message?.content);
    add(entry.message?.errorMessage);
    add(entry.message?.errorBody);
  }

  // Session entries: labels, skill and system prompts, errors.
  for (const entry of sessionEntries(stateDir)) {
    add(entry.label);
    addProse(entry.skillsSnapshot);
    addProse(entry.systemPromptReport);
    add(entry.lastRunError);
    add(entry.deliveryContext?.to);
    addProse(entry.origin);
  }
  const skillPrompts = join(stateDir, 'agents');
  for (const file of walk(skillPrompts).filter((path) => path.includes('skills-prompts'))) add(readFileSync(file, 'utf8'));

  // Cron: payloads, delivery targets, errors and summaries, in files and tables.
  for (const job of cronJobs(stateDir)) {
    add([job.payload?.message, job.payload?.text, job.delivery?.to, job.failureAlert?.to]);
    add(job.description);
    add(job.state?.lastError);
    add(job.state?.lastDiagnostics);
    add(job.state?.lastDiagnosticSummary);
  }
  for (const file of walk(join(stateDir, 'cron', 'runs'))) {
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const run = JSON.parse(line);
      add([run.summary, run.error, run.diagnostics, run.delivery?.intended?.to]);
    }
  }
  const stateDb = join(stateDir, 'state', 'openclaw.sqlite');
  if (existsSync(stateDb)) {
    const db = new DatabaseSync(stateDb, { readOnly: true });
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((row) => row.name));
    const runText = (detail: any) => [detail?.summary, detail?.error, detail?.diagnostics, detail?.delivery?.intended?.to];
    if (tables.has('cron_run_logs')) {
      for (const row of db.prepare('SELECT error, summary, diagnostics_summary, entry_json FROM cron_run_logs').all() as any[]) {
        add([row.error, row.summary, row.diagnostics_summary, runText(JSON.parse(row.entry_json))]);
      }
    }
    if (tables.has('cron_run_receipts')) for (const row of db.prepare('SELECT error_text FROM cron_run_receipts').all()) add(Object.values(row));
    if (tables.has('task_runs')) {
      for (const row of db.prepare('SELECT runtime, task, error, progress_summary, terminal_summary, detail_json FROM task_runs').all() as any[]) {
        // A cron task is named after its job (which the snapshot names); any other task is the prompt.
        add([row.runtime === 'cron' ? undefined : row.task, row.error, row.progress_summary, row.terminal_summary, runText(row.detail_json ? JSON.parse(row.detail_json) : undefined)]);
      }
    }
    db.close();
  }

  // Config secrets, devices, workspace files.
  const config = readFileSync(join(stateDir, 'openclaw.json'), 'utf8');
  for (const match of config.matchAll(/(?:token|apiKey|baseUrl|password)\s*:\s*"([^"]+)"/g)) add(match[1]);
  for (const file of [...walk(join(stateDir, 'identity')), ...walk(join(stateDir, 'devices'))]) addProse(JSON.parse(readFileSync(file, 'utf8')));
  for (const file of walk(join(stateDir, 'workspace'))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) add(line);
  }

  // The audit's findings are prose about the install: only counts and check ids may leave.
  if (cliOutDir && existsSync(join(cliOutDir, 'security-audit.json'))) {
    const audit = JSON.parse(readFileSync(join(cliOutDir, 'security-audit.json'), 'utf8'));
    for (const finding of audit.findings ?? []) add([finding.title, finding.detail, finding.remediation]);
  }
  return found;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function sessionEntries(stateDir: string): any[] {
  const entries: any[] = [];
  forEachAgent(stateDir, (agentDir, database) => {
    if (database) {
      for (const row of database.prepare('SELECT entry_json, label FROM session_nodes').all() as { entry_json: string; label: string | null }[]) {
        entries.push({ ...JSON.parse(row.entry_json), label: row.label });
      }
    }
    const file = join(agentDir, 'sessions', 'sessions.json');
    if (existsSync(file)) entries.push(...Object.values(JSON.parse(readFileSync(file, 'utf8')) as object));
  });
  return entries;
}

function cronJobs(stateDir: string): any[] {
  const jobs: any[] = [];
  const file = join(stateDir, 'cron', 'jobs.json');
  if (existsSync(file)) {
    const states = existsSync(join(stateDir, 'cron', 'jobs-state.json')) ? JSON.parse(readFileSync(join(stateDir, 'cron', 'jobs-state.json'), 'utf8')).jobs : {};
    for (const job of JSON.parse(readFileSync(file, 'utf8')).jobs) jobs.push({ ...job, state: states[job.id]?.state ?? job.state });
  }
  const db = join(stateDir, 'state', 'openclaw.sqlite');
  if (existsSync(db)) {
    const database = new DatabaseSync(db, { readOnly: true });
    for (const row of database.prepare('SELECT job_json, state_json FROM cron_jobs').all() as { job_json: string; state_json: string }[]) {
      jobs.push({ ...JSON.parse(row.job_json), state: JSON.parse(row.state_json) });
    }
    database.close();
  }
  return jobs;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
