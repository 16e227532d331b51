/**
 * zstd-compressed transcript rows, decompressed with node:zlib.
 *
 * Each `zstdDecompressSync` call leaves a native zstd context (~350 KB) that is released only
 * when V8 collects the small JS object that owns it, and V8 does not count that memory: on a
 * database with tens of thousands of compressed rows, the contexts piled up to 50+ MB of RSS.
 * So after every 32 decompressions the agent asks for a minor (young-generation) collection —
 * about a tenth of a millisecond, and it keeps the agent's memory flat. The collector is reached
 * the documented way (`--expose-gc`, set at run time; a new context then has `gc`); should that
 * ever be unavailable, decompression still works, only with a larger footprint.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as zlib from 'node:zlib';

const COLLECT_EVERY = 32;
let sinceCollect = 0;
let collect: ((options: { type: 'minor' }) => void) | null | undefined;

export function decompressRow(packed: Uint8Array): Buffer {
  const bytes = zlib.zstdDecompressSync(packed);
  sinceCollect += 1;
  if (sinceCollect >= COLLECT_EVERY) {
    sinceCollect = 0;
    collectYoungGeneration();
  }
  return bytes;
}

function collectYoungGeneration(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as (options: { type: 'minor' }) => void;
    } catch {
      collect = null;
    }
  }
  collect?.({ type: 'minor' });
}
