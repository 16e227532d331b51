import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A team's tenancy boundary: instances, chat links and subscriptions all belong to one workspace. */
export const Workspace = defineEntity({
  name: 'Workspace',
  tableName: 'workspace',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    name: p.string().length(63).unique(),
    /** No alert of this workspace is sent until then (`mute all 1h`). */
    mutedUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Workspace = InferEntity<typeof Workspace>;
