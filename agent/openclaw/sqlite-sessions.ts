/**
 * Sessions of the SQLite era (OpenClaw >= 2026.8.1): `session_nodes` (one row per session key,
 * with its status and update time as columns) joined to the `session_windows` row of its current
 * session for the chat platform. Columns only — the large `entry_json` is never parsed.
 */
import { channelName, type SessionRecord } from './session-tally.ts';
import { hasTable, readDatabase, tableColumns } from './sqlite.ts';
import { UnsupportedLayoutError } from './unsupported-layout.ts';
import { epochMs, safeToken } from './values.ts';

export function readSqliteSessions(dbPath: string, busyTimeoutMs: number): SessionRecord[] {
  return readDatabase(dbPath, busyTimeoutMs, (db) => {
    const nodes = tableColumns(db, 'session_nodes');
    if (!nodes.has('session_key')) throw new UnsupportedLayoutError(`${dbPath} has no session_nodes table`);
    const windows = hasTable(db, 'session_windows') ? tableColumns(db, 'session_windows') : new Set<string>();
    const status = nodes.has('status') ? 'n.status' : 'NULL';
    const updated = nodes.has('updated_at') ? 'n.updated_at' : 'NULL';
    const joinable = nodes.has('current_session_id') && windows.has('session_id') && windows.has('channel');
    const sql = joinable
      ? `SELECT ${status} AS status, ${updated} AS updated, w.channel AS channel FROM session_nodes n LEFT JOIN session_windows w ON w.session_id = n.current_session_id`
      : `SELECT ${status} AS status, ${updated} AS updated, NULL AS channel FROM session_nodes n`;
    const rows = db.prepare(sql).all() as { status: unknown; updated: unknown; channel: unknown }[];
    return rows.map((row) => ({ updatedAtMs: epochMs(row.updated), status: safeToken(row.status, 32), channel: channelName(row.channel) }));
  });
}
