import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * How often ingest changed an instance's usage in an hour older than the previous one (an agent
 * catching up after an outage, say). Such an hour may already be summed in a UsageSummary row;
 * the count tells readers that the row is out of date. Rare by design: a steady agent only ever
 * changes the current and the previous hour, and then this table is not touched at all.
 */
export const UsageLateWrite = defineEntity({
  name: 'UsageLateWrite',
  tableName: 'usage_late_write',
  properties: {
    instance: () => p.oneToOne(Instance).primary().deleteRule('cascade').owner(),
    writes: p.integer(),
  },
});

export type UsageLateWrite = InferEntity<typeof UsageLateWrite>;
