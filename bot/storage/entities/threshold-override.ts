import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';
import { Workspace } from './workspace.ts';

/**
 * A rule threshold set for a whole workspace (instance null) or one instance, which wins over the
 * workspace's. Values are canonical numbers (durations in seconds, amounts in dollars).
 */
export const ThresholdOverride = defineEntity({
  name: 'ThresholdOverride',
  tableName: 'threshold_override',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    instance: () => p.manyToOne(Instance).nullable().deleteRule('cascade'),
    /** `cost-drift.ratio`, `stale.grace`, … (bot/events/thresholds.ts lists them all). */
    name: p.string().length(64),
    value: p.double(),
    updatedAt: p.datetime(),
    updatedBy: p.string().length(200),
  },
  uniques: [
    {
      name: 'threshold_override_once',
      // One value per (workspace, instance or none, name); NULLS NOT DISTINCT is Postgres 15+, so coalesce.
      expression: `create unique index "threshold_override_once" on "threshold_override" ("workspace_id", coalesce("instance_id", '00000000-0000-0000-0000-000000000000'::uuid), "name")`,
    },
  ],
});

export type ThresholdOverride = InferEntity<typeof ThresholdOverride>;
