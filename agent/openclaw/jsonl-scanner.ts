/**
 * Streams a JSONL file from an offset and hands over only the lines that contain `pattern`,
 * through one fixed buffer. This is what makes the agent fast and small on large transcripts:
 * finding `"assistant"` is a native byte search, so the ~90% of lines that are prompts, tool output
 * and bookkeeping are never decoded or parsed, and memory stays at the buffer size whatever the
 * file size.
 *
 * Only complete lines count: the returned offset stops after the last newline, so a line the
 * gateway is still writing is read whole on the next sync. A line longer than the buffer is
 * scanned through without being held; if it is a candidate it is read once more, by itself.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const NEWLINE = 0x0a;
export const DEFAULT_SCAN_BUFFER_BYTES = 1 << 20;
/** A candidate line larger than this is skipped rather than loaded (no real assistant message is). */
export const MAX_CANDIDATE_LINE_BYTES = 64 << 20;

export interface ScanOptions {
  path: string;
  fromOffset: number;
  /** Bytes a line must contain to be handed over. */
  pattern: Uint8Array;
  onCandidate(line: string): void;
  /**
   * The read buffer, reused across files by the caller: a fresh megabyte per file is garbage V8
   * frees late (off-heap), and on thousands of files that alone would be most of the agent's RSS.
   */
  buffer?: Buffer;
  bufferBytes?: number;
  maxCandidateLineBytes?: number;
}

export interface ScanResult {
  /** Just past the last complete line: where the next scan starts. */
  offset: number;
  bytesRead: number;
  oversizedLinesSkipped: number;
}

export function scanBuffer(bytes = DEFAULT_SCAN_BUFFER_BYTES): Buffer {
  return Buffer.allocUnsafe(Math.max(bytes, 32));
}

export function scanJsonl(options: ScanOptions): ScanResult {
  const { pattern, onCandidate } = options;
  const maxLine = options.maxCandidateLineBytes ?? MAX_CANDIDATE_LINE_BYTES;
  const buffer = options.buffer ?? scanBuffer(options.bufferBytes);
  if (buffer.length < Math.max(pattern.length * 2, 16)) throw new RangeError(`a scan buffer of ${buffer.length} bytes is too small`);
  const overlap = pattern.length - 1;
  const fd = openSync(options.path, 'r');
  let filled = 0;
  /** File offset of buffer[0]. */
  let base = options.fromOffset;
  let bytesRead = 0;
  let oversizedLinesSkipped = 0;
  /** Set while inside a line longer than the buffer. */
  let longLine: { start: number; candidate: boolean } | undefined;

  const emitRange = (start: number, end: number) => {
    if (end - start > maxLine) {
      oversizedLinesSkipped += 1;
      return;
    }
    const line = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < line.length) {
      const n = readSync(fd, line, got, line.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    onCandidate(line.toString('utf8', 0, got));
  };

  try {
    for (;;) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, base + filled);
      if (n === 0) break;
      bytesRead += n;
      const end = filled + n;
      let lineStart = 0;

      if (longLine) {
        const view = buffer.subarray(0, end);
        const newline = view.indexOf(NEWLINE);
        if (!longLine.candidate && view.subarray(0, newline === -1 ? end : newline).indexOf(pattern) !== -1) longLine.candidate = true;
        if (newline === -1) {
          // Keep the last bytes so a pattern split across two reads is still seen.
          const keep = Math.min(overlap, end);
          buffer.copyWithin(0, end - keep, end);
          base += end - keep;
          filled = keep;
          continue;
        }
        if (longLine.candidate) emitRange(longLine.start, base + newline);
        longLine = undefined;
        lineStart = newline + 1;
      }

      const lastNewline = buffer.lastIndexOf(NEWLINE, end - 1);
      if (lastNewline >= lineStart) {
        const view = buffer.subarray(0, lastNewline + 1);
        let cursor = lineStart;
        for (;;) {
          const hit = view.indexOf(pattern, cursor);
          if (hit === -1) break;
          const start = view.lastIndexOf(NEWLINE, hit) + 1;
          const stop = view.indexOf(NEWLINE, hit);
          onCandidate(buffer.toString('utf8', Math.max(start, lineStart), stop));
          cursor = stop + 1;
        }
        lineStart = lastNewline + 1;
      }

      const partial = end - lineStart;
      if (partial === buffer.length) {
        // One line fills the whole buffer: scan through it instead of growing.
        longLine = { start: base, candidate: buffer.indexOf(pattern) !== -1 };
        const keep = Math.min(overlap, end);
        buffer.copyWithin(0, end - keep, end);
        base += end - keep;
        filled = keep;
      } else {
        buffer.copyWithin(0, lineStart, end);
        base += lineStart;
        filled = partial;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { offset: longLine ? longLine.start : base, bytesRead, oversizedLinesSkipped };
}
