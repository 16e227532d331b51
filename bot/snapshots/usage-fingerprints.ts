/**
 * What this process last wrote for each (instance, hour, model) usage bucket, so a snapshot's
 * unchanged buckets — 46 of its 48 in a typical sync — cost no database work. Bounded: the least
 * recently synced instances are forgotten first (and simply written again next time).
 */
import type { UsageBucket } from '../../ingest/contract.ts';

export class UsageFingerprints {
  readonly #maxInstances: number;
  /** Map order is recency order: touching an instance moves it to the end. */
  readonly #byInstance = new Map<string, Map<string, string>>();

  constructor(maxInstances: number) {
    this.#maxInstances = maxInstances;
  }

  isUnchanged(instanceId: string, hour: Date, bucket: UsageBucket): boolean {
    return this.#byInstance.get(instanceId)?.get(bucketKey(hour, bucket)) === fingerprint(bucket);
  }

  remember(rows: { instanceId: string; hour: Date; bucket: UsageBucket }[]): void {
    for (const { instanceId, hour, bucket } of rows) {
      let buckets = this.#byInstance.get(instanceId);
      if (buckets) {
        this.#byInstance.delete(instanceId);
      } else {
        buckets = new Map();
      }
      this.#byInstance.set(instanceId, buckets);
      buckets.set(bucketKey(hour, bucket), fingerprint(bucket));
      // Buckets older than the 48-hour window never change again.
      if (buckets.size > 256) buckets.delete(buckets.keys().next().value!);
    }
    while (this.#byInstance.size > this.#maxInstances) this.#byInstance.delete(this.#byInstance.keys().next().value!);
  }
}

function bucketKey(hour: Date, bucket: UsageBucket): string {
  return `${hour.getTime()}|${bucket.model}`;
}

function fingerprint(b: UsageBucket): string {
  return `${b.runs}|${b.inputTokens}|${b.outputTokens}|${b.cacheReadTokens}|${b.cacheWriteTokens}|${b.costUsd}|${b.errors}|${b.missingCost}`;
}
