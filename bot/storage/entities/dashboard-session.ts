import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/**
 * A signed-in browser: bound to one workspace and one role. Only the hash of its cookie is kept,
 * so a copy of this table signs nobody in. Read on every request, so a revocation holds at once
 * on every web process.
 */
export const DashboardSession = defineEntity({
  name: 'DashboardSession',
  tableName: 'dashboard_session',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** Hex SHA-256 of the cookie value. */
    sessionHash: p.string().length(64).unique(),
    /** The form token of this session (not a credential on its own: useless without the cookie). */
    csrfToken: p.string().length(64),
    role: p.string().length(8),
    person: p.string().length(200),
    personName: p.string().length(200),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    /** The absolute end, however active the session is. */
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedBy: p.string().length(200).nullable(),
  },
});

export type DashboardSession = InferEntity<typeof DashboardSession>;
