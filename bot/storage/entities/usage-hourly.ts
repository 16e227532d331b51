import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * Token and spend figures per (instance, hour, model). Snapshots carry cumulative values for each
 * bucket, so ingest upserts each to the column-wise maximum: a lost or repeated snapshot loses
 * and double-counts nothing, and a late one lowers nothing.
 */
export const UsageHourly = defineEntity({
  name: 'UsageHourly',
  tableName: 'usage_hourly',
  properties: {
    instance: () => p.manyToOne(Instance).primary().deleteRule('cascade'),
    hour: p.datetime().primary(),
    /** `provider/model` */
    model: p.string().length(128).primary(),
    runs: p.bigint('number'),
    inputTokens: p.bigint('number'),
    outputTokens: p.bigint('number'),
    cacheReadTokens: p.bigint('number'),
    cacheWriteTokens: p.bigint('number'),
    costUsd: p.double(),
    errors: p.bigint('number'),
    missingCost: p.bigint('number'),
    updatedAt: p.datetime(),
  },
  // No index beyond the primary key (instance, hour, model): per-instance time ranges use it, and
  // every index here is paid on each of ingest's upserts. A fleet-wide query adds its own.
});

export type UsageHourly = InferEntity<typeof UsageHourly>;
