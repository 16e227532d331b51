import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';
import { Workspace } from './workspace.ts';

/**
 * Who did what, from where: every token issue/rotation/revocation and every admin action.
 * Rows outlive what they describe (the references are set null on delete; `subject` keeps the name).
 */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().onCreate(() => new Date()),
    workspace: () => p.manyToOne(Workspace).nullable().deleteRule('set null'),
    instance: () => p.manyToOne(Instance).nullable().deleteRule('set null'),
    /** Stable dotted name: `token.issued`, `instance.paused`, … */
    action: p.string().length(64),
    /** Who: `cli:alice`, `slack:U123`, `system`. */
    actor: p.string().length(200),
    /** Where: `cli`, `slack:T123/C456`, `ingest`. */
    origin: p.string().length(200),
    /** What it was about, by name, so the row reads well after the instance is gone. */
    subject: p.string().length(200).nullable(),
    details: p.json<Record<string, unknown>>().default('{}'),
  },
  // `deepclaw audit` lists newest first, per workspace.
  indexes: [{ properties: ['workspace', 'at'] }],
});

export type AuditLog = InferEntity<typeof AuditLog>;
