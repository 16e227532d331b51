/**
 * The audit trail. Callers add a row inside the same transaction as the change it records, so a
 * change and its audit row are written together or not at all. Never put a secret in `details`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { AuditLog, type Instance, type Workspace } from '../storage/entities/index.ts';

export interface AuditEntry {
  action: string;
  actor: Actor;
  workspace?: Workspace | null;
  instance?: Instance | null;
  subject?: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** Persists (does not flush) an audit row; the caller's transaction commits it. */
export function recordAudit(em: EntityManager, entry: AuditEntry): AuditLog {
  return em.create(AuditLog, {
    at: entry.at ?? new Date(),
    action: entry.action,
    actor: entry.actor.id,
    origin: entry.actor.origin,
    workspace: entry.workspace ?? null,
    instance: entry.instance ?? null,
    subject: entry.subject ?? entry.instance?.name ?? null,
    details: entry.details ?? {},
  });
}

/** Newest first; all workspaces when `workspace` is omitted. */
export async function listAudit(em: EntityManager, options: { workspace?: Workspace; limit: number }): Promise<AuditLog[]> {
  return em.find(
    AuditLog,
    options.workspace ? { workspace: options.workspace } : {},
    { orderBy: { at: 'desc', id: 'desc' }, limit: options.limit, populate: ['workspace'] },
  );
}
