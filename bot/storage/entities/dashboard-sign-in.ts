import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/**
 * A one-time sign-in link to the dashboard (`/deepclaw dashboard`, `deepclaw dashboard login`):
 * single use, ten minutes, and it carries the person's role at the moment they asked.
 */
export const DashboardSignIn = defineEntity({
  name: 'DashboardSignIn',
  tableName: 'dashboard_sign_in',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** Hex SHA-256 of the link's secret; the secret travels once, in the link, and is never stored. */
    tokenHash: p.string().length(64).unique(),
    role: p.string().length(8),
    /** Who asked (`slack:U123`, `cli:alice`): the session acts as them in the audit log. */
    person: p.string().length(200),
    personName: p.string().length(200),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});

export type DashboardSignIn = InferEntity<typeof DashboardSignIn>;
