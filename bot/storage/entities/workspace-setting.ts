import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/** A workspace's setting (`dashboard.viewers-see-cost`); absent means the default. */
export const WorkspaceSetting = defineEntity({
  name: 'WorkspaceSetting',
  tableName: 'workspace_setting',
  properties: {
    workspace: () => p.manyToOne(Workspace).primary().deleteRule('cascade'),
    name: p.string().length(64).primary(),
    value: p.json<unknown>(),
    updatedAt: p.datetime(),
    updatedBy: p.string().length(200),
  },
});

export type WorkspaceSetting = InferEntity<typeof WorkspaceSetting>;
