/**
 * Reads everything the snapshot needs from one OpenClaw state directory, whatever its era:
 * usage into the ledger (incrementally), session counts and cron jobs (in full; they are small).
 *
 * A problem with one store never stops the others: an unknown layout, a corrupt file or a locked
 * database becomes a machine-readable reason in `failing` and a human line in `warnings`, and a
 * store that could not be read keeps its previous cursor so nothing is skipped.
 */
import type { CronJobState, SessionCounts } from '../../ingest/contract.ts';
import type { UsageLedger } from '../usage-ledger.ts';
import { readJsonCron } from './json-cron.ts';
import { readSessionsJson } from './json-sessions.ts';
import { readJsonTranscripts, type FileCursors } from './json-transcripts.ts';
import type { OpenClawLayout, StorageEra } from './layout.ts';
import { SessionTally } from './session-tally.ts';
import { readSqliteCron } from './sqlite-cron.ts';
import { readSqliteSessions } from './sqlite-sessions.ts';
import { readSqliteTranscripts, type RowCursor } from './sqlite-transcripts.ts';
import { hasTable, readDatabase, SqliteBusyError } from './sqlite.ts';
import { STATE_UNREADABLE, StateFileError } from './state-file-error.ts';
import { UNSUPPORTED_LAYOUT, UnsupportedLayoutError } from './unsupported-layout.ts';

export const DATABASE_BUSY = 'openclaw-database-busy';

export interface ReadCursors {
  files: FileCursors;
  databases: Record<string, RowCursor>;
}

export interface ReadStats {
  transcriptBytesRead: number;
  transcriptFilesRead: number;
  transcriptRowsRead: number;
  corruptEntries: number;
}

export interface OpenClawReading {
  era: StorageEra;
  sessions: SessionCounts;
  /** Undefined when the cron store could not be read this time (the caller keeps the last list). */
  cron: CronJobState[] | undefined;
  /** Codes for `gateway.failing`. */
  failing: string[];
  /** One line each, for the operator. */
  warnings: string[];
  cursors: ReadCursors;
  stats: ReadStats;
}

export interface ReadOptions {
  layout: OpenClawLayout;
  ledger: UsageLedger;
  cursors: ReadCursors | undefined;
  nowMs: number;
  busyTimeoutMs: number;
  scanBufferBytes?: number;
}

export function readOpenClaw(options: ReadOptions): OpenClawReading {
  const { layout, ledger, nowMs, busyTimeoutMs } = options;
  const previous = options.cursors ?? { files: {}, databases: {} };
  const failing = new Set<string>();
  const warnings: string[] = [];
  const stats: ReadStats = { transcriptBytesRead: 0, transcriptFilesRead: 0, transcriptRowsRead: 0, corruptEntries: 0 };
  const tally = new SessionTally(nowMs);
  const databases: Record<string, RowCursor> = {};

  const attempt = <T>(what: () => T): T | undefined => {
    try {
      return what();
    } catch (error) {
      const { code, message } = describeProblem(error);
      failing.add(code);
      warnings.push(message);
      return undefined;
    }
  };

  const jsonAgents = layout.agents.filter((agent) => !agent.agentDb);
  for (const agent of layout.agents) {
    if (agent.agentDb) {
      const dbPath = agent.agentDb;
      const read = attempt(() => readSqliteTranscripts({ dbPath, cursor: previous.databases[dbPath], ledger, busyTimeoutMs }));
      if (read) {
        databases[dbPath] = read.cursor;
        stats.transcriptRowsRead += read.stats.rowsRead;
        stats.corruptEntries += read.stats.corruptRows;
      } else if (previous.databases[dbPath]) {
        databases[dbPath] = previous.databases[dbPath];
      }
      for (const session of attempt(() => readSqliteSessions(dbPath, busyTimeoutMs)) ?? []) tally.add(session);
    } else {
      for (const session of attempt(() => readSessionsJson(agent.sessionsJson)) ?? []) tally.add(session);
    }
  }

  const transcripts = readJsonTranscripts({
    sessionDirs: jsonAgents.map((agent) => agent.sessionsDir),
    cursors: previous.files,
    ledger,
    scanBufferBytes: options.scanBufferBytes,
  });
  stats.transcriptBytesRead += transcripts.stats.bytesRead;
  stats.transcriptFilesRead += transcripts.stats.filesRead;
  stats.corruptEntries += transcripts.stats.corruptLines;

  let cron: CronJobState[] | undefined;
  const globalDb = layout.globalDb;
  const cronInDatabase = globalDb ? attempt(() => readDatabase(globalDb, busyTimeoutMs, (db) => hasTable(db, 'cron_jobs'))) : false;
  if (globalDb && cronInDatabase) cron = attempt(() => readSqliteCron(globalDb, busyTimeoutMs));
  else if (cronInDatabase === false) cron = attempt(() => readJsonCron(layout.cronDir));

  if (stats.corruptEntries > 0) warnings.push(`skipped ${stats.corruptEntries} unreadable transcript ${stats.corruptEntries === 1 ? 'entry' : 'entries'}`);
  return {
    era: layout.era,
    sessions: tally.counts(),
    cron,
    failing: [...failing],
    warnings,
    cursors: { files: transcripts.cursors, databases },
    stats,
  };
}

function describeProblem(error: unknown): { code: string; message: string } {
  if (error instanceof UnsupportedLayoutError) return { code: UNSUPPORTED_LAYOUT, message: error.message };
  if (error instanceof SqliteBusyError) return { code: DATABASE_BUSY, message: error.message };
  if (error instanceof StateFileError) return { code: STATE_UNREADABLE, message: error.message };
  // node:sqlite errors ("file is not a database", permissions) and fs errors: the store is unreadable.
  return { code: STATE_UNREADABLE, message: `cannot read OpenClaw state: ${(error as Error).message}` };
}
