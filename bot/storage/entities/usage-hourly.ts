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
  // Beyond the primary key (instance, hour, model), which per-instance time ranges use, only a BRIN
  // on `hour` for the dashboard's fleet-wide "spend since midnight" (fleet-view.ts): rows arrive in
  // hour order, so a few block ranges cover today, and a BRIN costs ingest's upserts next to nothing
  // (a B-tree on hour would be paid on every one of them).
  indexes: [{ properties: ['hour'], type: 'brin' }],
});

export type UsageHourly = InferEntity<typeof UsageHourly>;
