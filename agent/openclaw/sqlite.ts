/**
 * Read-only access to OpenClaw's SQLite databases through Node's built-in `node:sqlite`.
 *
 * - Always `readOnly`: the gateway is the only writer. (SQLite may still create the `-wal`/`-shm`
 *   companions of a WAL database; that is its locking protocol, not a write to the data.)
 * - A busy or locked database is retried by SQLite's busy handler for `busyTimeoutMs`, then
 *   reported as {@link SqliteBusyError} — the caller skips that database for this sync.
 * - `node:sqlite` prints an ExperimentalWarning on load in Node 24; on a cron host that warning
 *   would mail the operator every five minutes, so it (and only it) is swallowed.
 */
import { createRequire } from 'node:module';
import type { DatabaseSync as DatabaseSyncType, SQLInputValue } from 'node:sqlite';

export type Database = DatabaseSyncType;
export type SqlValue = SQLInputValue;

export const DEFAULT_BUSY_TIMEOUT_MS = 1500;

export class SqliteBusyError extends Error {
  readonly code = 'sqlite_busy';
  readonly path: string;

  constructor(path: string) {
    super(`${path} stayed locked by another process; it will be read on the next sync`);
    this.name = 'SqliteBusyError';
    this.path = path;
  }
}

let sqliteModule: typeof import('node:sqlite') | undefined;

function sqlite(): typeof import('node:sqlite') {
  if (sqliteModule) return sqliteModule;
  const originalEmitWarning = process.emitWarning;
  process.emitWarning = function emitWarningExceptSqlite(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
    return (originalEmitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    sqliteModule = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = originalEmitWarning;
  }
  return sqliteModule;
}

export function openReadOnly(path: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Database {
  const { DatabaseSync } = sqlite();
  const db = new DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs });
  // Reads are one forward pass; SQLite's default 2 MB page cache would only hold pages already read.
  db.exec('PRAGMA cache_size = -256');
  return db;
}

/** SQLITE_BUSY (5) or SQLITE_LOCKED (6). */
export function isBusyError(error: unknown): boolean {
  const errcode = (error as { errcode?: number }).errcode;
  return errcode === 5 || errcode === 6 || /database is locked|database table is locked/.test(String((error as Error).message));
}

/**
 * Runs `read` on a read-only connection inside one read transaction, so every query sees the
 * same moment of the database even while the gateway writes. Busy errors become SqliteBusyError.
 */
export function readDatabase<T>(path: string, busyTimeoutMs: number, read: (db: Database) => T): T {
  let db: Database | undefined;
  try {
    db = openReadOnly(path, busyTimeoutMs);
    db.exec('BEGIN');
    try {
      return read(db);
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    if (isBusyError(error)) throw new SqliteBusyError(path);
    throw error;
  } finally {
    db?.close();
  }
}

export function tableColumns(db: Database, table: string): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
  return new Set(rows.map((row) => row.name));
}

export function hasTable(db: Database, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}
