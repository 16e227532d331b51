import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/** A one-time, expiring code that attaches a chat to a workspace (`/deepclaw link <code>`). */
export const LinkCode = defineEntity({
  name: 'LinkCode',
  tableName: 'link_code',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    /** Hex SHA-256 of the normalised code; the code itself is printed once and never stored. */
    codeHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: p.string().length(200),
    expiresAt: p.datetime(),
    redeemedAt: p.datetime().nullable(),
    redeemedBy: p.string().length(200).nullable(),
  },
});

export type LinkCode = InferEntity<typeof LinkCode>;
