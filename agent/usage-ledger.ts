/**
 * Cumulative usage per (hour, provider/model) over the snapshot window, kept between syncs in the
 * agent state file. Readers feed it only the model calls they have not read before (by file offset
 * or row id); the ledger adds them up, and the snapshot carries each bucket's running total, which
 * the service upserts — so a lost or repeated snapshot loses and double-counts nothing.
 *
 * Deduplication: the same transcript entry can be met twice (a reset archive of a file already
 * read, a forked session that copies entries, a re-inserted row). Each counted entry's key is
 * remembered as a 53-bit hash in the bucket of its hour; a duplicate lands in the same hour, so
 * the memory is bounded by the window and dropped with it. An hour's hashes are decoded from the
 * state file only when a call for that hour arrives: a repeat sync touches one or two hours.
 */
import { USAGE_WINDOW_HOURS, type UsageBucket } from '../ingest/contract.ts';
import { HashSet53 } from './hash-set53.ts';
import type { ModelCall } from './openclaw/model-call.ts';

const HOUR_MS = 3_600_000;

export interface UsageCounters {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  errors: number;
  missingCost: number;
}

/**
 * What the state file keeps: per hour (ISO), the counters per model and the seen-entry hashes —
 * base64 as stored, or the live set of an hour this sync touched, encoded only when written
 * (encodeSeen), one hour at a time.
 */
export interface UsageLedgerState {
  hours: Record<string, { models: Record<string, UsageCounters>; seen?: string | HashSet53 }>;
}

interface HourBucket {
  models: Map<string, UsageCounters>;
  /** base64 of a Float64Array of hashes, until the hour is touched. */
  seenEncoded?: string;
  seen?: HashSet53;
}

export type RecordOutcome = 'counted' | 'duplicate' | 'outside-window';

export function topOfHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The first hour the snapshot carries: the current hour and the 47 before it. */
export function usageWindowStart(nowMs: number): number {
  return topOfHour(nowMs) - (USAGE_WINDOW_HOURS - 1) * HOUR_MS;
}

export class UsageLedger {
  private readonly hours = new Map<number, HourBucket>();
  private readonly windowStartMs: number;

  constructor(state: UsageLedgerState | undefined, nowMs: number) {
    this.windowStartMs = usageWindowStart(nowMs);
    for (const [hourIso, stored] of Object.entries(state?.hours ?? {})) {
      const hourMs = Date.parse(hourIso);
      if (Number.isNaN(hourMs) || hourMs < this.windowStartMs) continue;
      const models = new Map(Object.entries(stored.models ?? {}).map(([model, counters]) => [model, { ...counters }]));
      // A live set (state handed over in memory, not through the file) is copied, never shared.
      this.hours.set(hourMs, stored.seen instanceof HashSet53 ? { models, seen: HashSet53.from(stored.seen.toArray()) } : { models, seenEncoded: stored.seen });
    }
  }

  /** The earliest timestamp that still counts; readers may skip anything older. */
  get windowStart(): number {
    return this.windowStartMs;
  }

  record(call: ModelCall): RecordOutcome {
    if (call.atMs < this.windowStartMs) return 'outside-window';
    const hourMs = topOfHour(call.atMs);
    let bucket = this.hours.get(hourMs);
    if (!bucket) {
      bucket = { models: new Map() };
      this.hours.set(hourMs, bucket);
    }
    if (call.entryId !== undefined) {
      if (!seenSetOf(bucket).add(hash53(call.entryId, call.atMs))) return 'duplicate';
    }
    let counters = bucket.models.get(call.model);
    if (!counters) {
      counters = { runs: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, errors: 0, missingCost: 0 };
      bucket.models.set(call.model, counters);
    }
    counters.runs += 1;
    counters.inputTokens += call.inputTokens;
    counters.outputTokens += call.outputTokens;
    counters.cacheReadTokens += call.cacheReadTokens;
    counters.cacheWriteTokens += call.cacheWriteTokens;
    if (call.costUsd === undefined) counters.missingCost += 1;
    else counters.costUsd += call.costUsd;
    if (call.error) counters.errors += 1;
    return 'counted';
  }

  /**
   * The buckets to send: every hour of the window up to and including `nowMs`'s hour. Calls stamped
   * later (a clock that stepped back) stay in the ledger and are sent once their hour comes.
   */
  buckets(nowMs: number): UsageBucket[] {
    const currentHour = topOfHour(nowMs);
    const buckets: UsageBucket[] = [];
    for (const hourMs of [...this.hours.keys()].sort((a, b) => a - b)) {
      if (hourMs > currentHour) continue;
      const bucket = this.hours.get(hourMs)!;
      for (const model of [...bucket.models.keys()].sort()) {
        const counters = bucket.models.get(model)!;
        buckets.push({ hour: new Date(hourMs).toISOString(), model, ...counters, costUsd: roundUsd(counters.costUsd) });
      }
    }
    return buckets;
  }

  toState(): UsageLedgerState {
    const hours: UsageLedgerState['hours'] = {};
    for (const hourMs of [...this.hours.keys()].sort((a, b) => a - b)) {
      const bucket = this.hours.get(hourMs)!;
      const seen = bucket.seen && bucket.seen.size > 0 ? bucket.seen : bucket.seenEncoded;
      hours[new Date(hourMs).toISOString()] = { models: Object.fromEntries(bucket.models), ...(seen ? { seen } : {}) };
    }
    return { hours };
  }
}

/** Float sums like 0.026028000000000003 are reported to ten decimals: far below a cent. */
function roundUsd(value: number): number {
  return Number(value.toFixed(10));
}

function seenSetOf(bucket: HourBucket): HashSet53 {
  if (!bucket.seen) {
    bucket.seen = bucket.seenEncoded ? decodeHashes(bucket.seenEncoded) : new HashSet53();
    bucket.seenEncoded = undefined;
  }
  return bucket.seen;
}

/** The state file's form of an hour's hashes: base64 of their 8-byte doubles. */
export function encodeSeen(seen: string | HashSet53): string {
  return typeof seen === 'string' ? seen : Buffer.from(seen.toArray().buffer).toString('base64');
}

function decodeHashes(encoded: string): HashSet53 {
  const bytes = Buffer.from(encoded, 'base64');
  // Copy into a fresh, 8-byte aligned buffer: pooled Buffers may start at any offset.
  const aligned = new Uint8Array(bytes.length - (bytes.length % 8));
  aligned.set(bytes.subarray(0, aligned.length));
  const hashes = new Float64Array(aligned.buffer);
  return HashSet53.from(hashes, hashes.length);
}

/**
 * A 53-bit hash of a string and, optionally, a number (the cyrb53 construction: two multiplicative
 * 32-bit lanes mixed at the end) that fits a JS number exactly. Collisions among the entries of
 * one hour are ~n²/2^54: none. The number is mixed in as two more "characters", so no key string
 * is built per model call.
 */
export function hash53(text: string, tail?: number): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (code: number) => {
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  };
  for (let index = 0; index < text.length; index += 1) mix(text.charCodeAt(index));
  if (tail !== undefined) {
    mix(tail % 4294967296 | 0);
    mix(Math.floor(tail / 4294967296) | 0);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
