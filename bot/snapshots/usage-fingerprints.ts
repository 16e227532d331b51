/**
 * What this process last stored for each usage bucket of a sync token (a token belongs to exactly
 * one instance), so a snapshot's unchanged buckets — 46 of its 48 in a typical sync — cost no
 * database work. Bounded: the least recently synced tokens are forgotten first (and their buckets
 * simply written again next time).
 */
import type { UsageBucket } from '../../ingest/contract.ts';

export class UsageFingerprints {
  readonly #maxKeys: number;
  /** Map order is recency order: touching a token moves it to the end. */
  readonly #byKey = new Map<string, Map<string, UsageBucket>>();

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  isUnchanged(key: string, bucket: UsageBucket): boolean {
    const known = this.#byKey.get(key)?.get(bucketKey(bucket));
    return known !== undefined && sameFigures(known, bucket);
  }

  remember(rows: { key: string; bucket: UsageBucket }[]): void {
    for (const { key, bucket } of rows) {
      let buckets = this.#byKey.get(key);
      if (buckets) {
        this.#byKey.delete(key);
      } else {
        buckets = new Map();
      }
      this.#byKey.set(key, buckets);
      buckets.set(bucketKey(bucket), bucket);
      // Buckets older than the 48-hour window never change again.
      if (buckets.size > 256) buckets.delete(buckets.keys().next().value!);
    }
    while (this.#byKey.size > this.#maxKeys) this.#byKey.delete(this.#byKey.keys().next().value!);
  }
}

/** By the hour's text as sent: an agent writes it the same way every time (a change only costs a rewrite). */
function bucketKey(bucket: UsageBucket): string {
  return `${bucket.hour}|${bucket.model}`;
}

/** Compared field by field: no string is built for the ~48 buckets of every snapshot. */
function sameFigures(a: UsageBucket, b: UsageBucket): boolean {
  return (
    a.runs === b.runs &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cacheReadTokens === b.cacheReadTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens &&
    a.costUsd === b.costUsd &&
    a.errors === b.errors &&
    a.missingCost === b.missingCost
  );
}
