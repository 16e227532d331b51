import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/** The latest known state of one OpenClaw cron job. Only a snapshot with a newer `seq` changes it. */
export const CronJob = defineEntity({
  name: 'CronJob',
  tableName: 'cron_job',
  properties: {
    instance: () => p.manyToOne(Instance).primary().deleteRule('cascade'),
    jobId: p.string().length(128).primary(),
    name: p.string().length(200),
    enabled: p.boolean(),
    schedule: p.json<Record<string, unknown>>(),
    lastRunAt: p.datetime().nullable(),
    lastStatus: p.string().length(16).nullable(),
    lastErrorReason: p.string().length(32).nullable(),
    lastDurationMs: p.bigint('number').nullable(),
    nextRunAt: p.datetime().nullable(),
    consecutiveErrors: p.integer(),
    autoDisabled: p.boolean().default(false),
    /** `seq` of the snapshot that wrote this row. */
    seq: p.bigint('number'),
    updatedAt: p.datetime(),
  },
});

export type CronJob = InferEntity<typeof CronJob>;
