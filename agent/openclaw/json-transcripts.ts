/**
 * Usage from JSON-era transcripts (OpenClaw <= 2026.7): `agents/<id>/sessions/<sessionId>.jsonl`,
 * plus the archives OpenClaw leaves when a session is reset or deleted
 * (`<sessionId>.jsonl.reset.<time>`, `.jsonl.deleted.<time>`) — that spend happened too.
 *
 * Incremental by file offset. A cursor is remembered per path with the file's device and inode, so
 * a transcript renamed into a reset archive keeps its offset under its new name (nothing is read
 * twice), a replaced or truncated file is read again from the start (the ledger drops entries it
 * has already counted), and a file untouched since before the usage window is never opened.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { hash53, type UsageLedger } from '../usage-ledger.ts';
import { scanBuffer, scanJsonl } from './jsonl-scanner.ts';
import { ASSISTANT_MARKER, modelCallFromLine } from './model-call.ts';

export interface FileCursor {
  dev: number;
  ino: number;
  /** Just past the last complete line read. */
  offset: number;
  /** Hash of the first `headBytes` bytes: tells an in-place rewrite from an append. */
  head?: number;
  headBytes?: number;
}

/** Keyed by absolute path. */
export type FileCursors = Record<string, FileCursor>;

export interface TranscriptStats {
  bytesRead: number;
  filesRead: number;
  corruptLines: number;
  oversizedLines: number;
}

const HEAD_BYTES = 256;

export function isTranscriptFileName(name: string): boolean {
  if (name.includes('.trajectory')) return false;
  return name.endsWith('.jsonl') || /\.jsonl\.(?:reset|deleted)\.[^/]+$/.test(name);
}

export function readJsonTranscripts(options: {
  sessionDirs: string[];
  cursors: FileCursors;
  ledger: UsageLedger;
  scanBufferBytes?: number;
}): { cursors: FileCursors; stats: TranscriptStats } {
  const { ledger } = options;
  const stats: TranscriptStats = { bytesRead: 0, filesRead: 0, corruptLines: 0, oversizedLines: 0 };
  const byInode = new Map<string, FileCursor>();
  for (const cursor of Object.values(options.cursors)) byInode.set(`${cursor.dev}:${cursor.ino}`, cursor);
  const next: FileCursors = {};
  const buffer = scanBuffer(options.scanBufferBytes);

  for (const dir of options.sessionDirs) {
    for (const name of listTranscripts(dir)) {
      const path = join(dir, name);
      let stat: Stats;
      try {
        stat = statSync(path);
      } catch {
        continue; // removed between listing and stat
      }
      if (!stat.isFile()) continue;
      const known = options.cursors[path];
      const previous = known && known.dev === stat.dev && known.ino === stat.ino ? known : byInode.get(`${stat.dev}:${stat.ino}`);
      let offset = 0;
      if (previous) {
        // Shorter means truncated or replaced: read it again. Longer means appended — unless
        // the head changed too, which is a rewrite. (The head is only read when there is news.)
        if (stat.size === previous.offset) offset = previous.offset;
        else if (stat.size > previous.offset && headMatches(path, previous)) offset = previous.offset;
      } else if (stat.mtimeMs < ledger.windowStart) {
        // Not written since before the window: nothing in it can count.
        offset = stat.size;
      }
      let cursor: FileCursor = { dev: stat.dev, ino: stat.ino, offset, head: previous?.head, headBytes: previous?.headBytes };
      if (stat.size > offset) {
        const result = scanJsonl({
          path,
          fromOffset: offset,
          pattern: ASSISTANT_MARKER,
          buffer,
          onCandidate(line) {
            const call = modelCallFromLine(line);
            if (call === 'corrupt') stats.corruptLines += 1;
            else if (call) ledger.record(call);
          },
        });
        stats.filesRead += 1;
        stats.bytesRead += result.bytesRead;
        stats.oversizedLines += result.oversizedLinesSkipped;
        cursor = { ...cursor, offset: result.offset };
      }
      if (cursor.offset > 0 && (offset === 0 || cursor.head === undefined)) {
        const headBytes = Math.min(HEAD_BYTES, cursor.offset);
        cursor = { ...cursor, head: headHash(path, headBytes), headBytes };
      }
      next[path] = cursor;
    }
  }
  return { cursors: next, stats };
}

function listTranscripts(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isTranscriptFileName).sort();
  } catch {
    return [];
  }
}

function headMatches(path: string, cursor: FileCursor): boolean {
  if (cursor.head === undefined || cursor.headBytes === undefined) return cursor.offset === 0;
  return headHash(path, cursor.headBytes) === cursor.head;
}

function headHash(path: string, bytes: number): number | undefined {
  const buffer = Buffer.alloc(bytes);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const read = readSync(fd, buffer, 0, bytes, 0);
    return hash53(buffer.toString('latin1', 0, read));
  } finally {
    closeSync(fd);
  }
}
