import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * The usage rules' sums over settled hours, per instance, for one evaluation hour: written once an
 * hour by the usage-summary job (bot/events/usage-summary.ts), so a tick reads a summary row and
 * the last few hourly rows instead of eight days of them. Rows for past hours are deleted.
 */
export const UsageSummary = defineEntity({
  name: 'UsageSummary',
  tableName: 'usage_summary',
  properties: {
    instance: () => p.manyToOne(Instance).primary().deleteRule('cascade'),
    /**
     * The end of the windows this row serves: the hour after the one being evaluated. The sums
     * cover the hours before `endsAt` minus the recent hours a tick reads itself.
     */
    endsAt: p.datetime().primary(),
    /** Per model, the spend of each of the eight 24-hour windows ending at `endsAt`, newest first. */
    spend: p.json<Record<string, number[]>>(),
    /** Model calls and failed ones in the error rule's baseline hours that the sums cover. */
    baseRuns: p.bigint('number'),
    baseErrors: p.bigint('number'),
    /** The earliest hour with usage among the covered ones, if any. */
    historySince: p.datetime().nullable(),
    /**
     * The instance's late-write count (UsageLateWrite) as the sums saw it: a row whose count
     * differs missed a late write and is not used.
     */
    lateWritesSeen: p.integer(),
    computedAt: p.datetime(),
  },
});

export type UsageSummary = InferEntity<typeof UsageSummary>;
