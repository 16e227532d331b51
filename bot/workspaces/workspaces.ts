/** Workspaces: create, list, find by name. A fresh install has one, `default`. */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { assertValidName } from '../names.ts';
import { Workspace } from '../storage/entities/index.ts';
import { closeNames, didYouMean } from '../suggest.ts';

export const DEFAULT_WORKSPACE = 'default';

export async function createWorkspace(em: EntityManager, name: string, actor: Actor): Promise<Workspace> {
  assertValidName('workspace', name);
  try {
    return await em.transactional(async (tx) => {
      const workspace = tx.create(Workspace, { name });
      recordAudit(tx, { action: 'workspace.created', actor, workspace, subject: name });
      return workspace;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError('duplicate_workspace', `a workspace named "${name}" already exists`);
    }
    throw error;
  }
}

export interface WorkspaceSummary {
  name: string;
  createdAt: Date;
  instanceCount: number;
}

export async function listWorkspaces(em: EntityManager): Promise<WorkspaceSummary[]> {
  const workspaces = await em.find(Workspace, {}, { orderBy: { name: 'asc' } });
  const counts = await em
    .getConnection()
    .execute<{ workspace_id: string; count: string }[]>('select workspace_id, count(*) as count from instance group by workspace_id');
  const countById = new Map(counts.map((row) => [row.workspace_id, Number(row.count)]));
  return workspaces.map((w) => ({ name: w.name, createdAt: w.createdAt, instanceCount: countById.get(w.id) ?? 0 }));
}

export async function findWorkspace(em: EntityManager, name: string = DEFAULT_WORKSPACE): Promise<Workspace> {
  const workspace = await em.findOne(Workspace, { name });
  if (workspace) return workspace;
  const names = (await em.find(Workspace, {}, { fields: ['name'] })).map((w) => w.name);
  throw new NotFoundError('unknown_workspace', `there is no workspace named "${name}".${didYouMean(name, names)}`, {
    suggestions: closeNames(name, names),
  });
}
