/**
 * Usage from SQLite-era transcripts (OpenClaw >= 2026.8.1): `transcript_events` rows in each
 * agent's `agents/<id>/agent/openclaw-agent.sqlite`. A row holds one transcript line, as text in
 * `event_json` or zstd-compressed in `event_zstd`.
 *
 * Incremental by rowid: rows are appended, so "rowid > cursor" is exactly the new data and uses
 * the table's own B-tree. The row at the cursor is remembered (session_id, seq, content hash); if
 * a different row sits there next time, rowids were reused after deletions and the table is read
 * again from the start (the ledger drops what it already counted). Filtering happens inside SQLite: only rows
 * that are compressed or mention "assistant", and were written inside the usage window, reach JS.
 */
import { statSync } from 'node:fs';
import { hash53, type UsageLedger } from '../usage-ledger.ts';
import { ASSISTANT_MARKER, modelCallFromEntry, modelCallFromLine, type ModelCall } from './model-call.ts';
import { readDatabase, tableColumns, type Database } from './sqlite.ts';
import { UnsupportedLayoutError } from './unsupported-layout.ts';
import { decompressRow } from './zstd.ts';

export interface RowCursor {
  dev: number;
  ino: number;
  rowid: number;
  /** `session_id#seq` of the row at `rowid`. */
  check?: string;
}

export interface SqliteTranscriptStats {
  rowsRead: number;
  corruptRows: number;
  compressedRows: number;
}

/** Rows are stamped when inserted; an entry can't be much older than its row. */
const CREATED_AT_SLACK_MS = 3_600_000;

export function readSqliteTranscripts(options: {
  dbPath: string;
  cursor: RowCursor | undefined;
  ledger: UsageLedger;
  busyTimeoutMs: number;
}): { cursor: RowCursor; stats: SqliteTranscriptStats } {
  const { dbPath, ledger } = options;
  const file = statSync(dbPath);
  const sameFile = options.cursor && options.cursor.dev === file.dev && options.cursor.ino === file.ino ? options.cursor : undefined;
  const stats: SqliteTranscriptStats = { rowsRead: 0, corruptRows: 0, compressedRows: 0 };

  return readDatabase(dbPath, options.busyTimeoutMs, (db) => {
    const columns = tableColumns(db, 'transcript_events');
    for (const required of ['event_json', 'session_id', 'seq']) {
      if (!columns.has(required)) throw new UnsupportedLayoutError(`${dbPath} has no transcript_events.${required}`);
    }
    const compressed = columns.has('event_zstd');
    const stamped = columns.has('created_at');

    const maxRowid = Number((db.prepare('SELECT max(rowid) AS id FROM transcript_events').get() as { id: number | null }).id ?? 0);
    let start = 0;
    if (sameFile) {
      const atCursor = rowCheck(db, sameFile.rowid, compressed);
      if (atCursor === sameFile.check) start = sameFile.rowid;
      else if (atCursor === undefined) start = Math.min(sameFile.rowid, maxRowid); // the newest rows were deleted
    }

    if (maxRowid > start) {
      const filters = [`instr(event_json, '"assistant"') > 0`];
      if (compressed) filters.push('event_zstd IS NOT NULL');
      const sql =
        `SELECT event_json AS text${compressed ? ', event_zstd AS packed' : ''} FROM transcript_events ` +
        `WHERE rowid > ? AND rowid <= ? AND (${filters.join(' OR ')})` +
        (stamped ? ' AND created_at >= ?' : '') +
        ' ORDER BY rowid';
      const parameters = stamped ? [start, maxRowid, ledger.windowStart - CREATED_AT_SLACK_MS] : [start, maxRowid];
      const statement = db.prepare(sql);
      // Rows as arrays: no object (and no hidden class) per row.
      statement.setReturnArrays(true);
      for (const [text, packed] of statement.iterate(...parameters) as Iterable<[string | null, Uint8Array | null | undefined]>) {
        stats.rowsRead += 1;
        const call = callFromRow(text, packed, stats);
        if (call) ledger.record(call);
      }
    }
    return { cursor: { dev: file.dev, ino: file.ino, rowid: maxRowid, check: rowCheck(db, maxRowid, compressed) }, stats };
  });
}

function callFromRow(text: string | null, packed: Uint8Array | null | undefined, stats: SqliteTranscriptStats): ModelCall | undefined {
  if (typeof text === 'string') {
    const call = modelCallFromLine(text);
    if (call === 'corrupt') {
      stats.corruptRows += 1;
      return undefined;
    }
    return call;
  }
  if (!packed) return undefined;
  stats.compressedRows += 1;
  let bytes: Buffer;
  try {
    bytes = decompressRow(packed);
  } catch {
    stats.corruptRows += 1;
    return undefined;
  }
  if (bytes.indexOf(ASSISTANT_MARKER) === -1) return undefined;
  try {
    return modelCallFromEntry(JSON.parse(bytes.toString('utf8')));
  } catch {
    stats.corruptRows += 1;
    return undefined;
  }
}

/** Identifies the row at `rowid`: its place in its session and a hash of its content. */
function rowCheck(db: Database, rowid: number, compressed: boolean): string | undefined {
  if (rowid <= 0) return undefined;
  const row = db.prepare(`SELECT session_id AS session, seq, event_json AS text, ${compressed ? 'event_zstd' : 'NULL'} AS packed FROM transcript_events WHERE rowid = ?`).get(rowid) as
    | { session: string; seq: number; text: string | null; packed: Uint8Array | null }
    | undefined;
  if (!row) return undefined;
  const content = row.text ?? (row.packed ? Buffer.from(row.packed).toString('base64') : '');
  return `${row.session}#${row.seq}#${hash53(content).toString(36)}`;
}
