/**
 * Instances: one per OpenClaw gateway host. Adding one issues its first sync token; removing one
 * deletes its tokens with it (and, later, its data).
 */
import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { assertValidName } from '../names.ts';
import { Instance, SyncToken, type Workspace } from '../storage/entities/index.ts';
import { closeNames, didYouMean } from '../suggest.ts';
import { issueSyncToken } from '../tokens/issue-sync-token.ts';

export const DEFAULT_INTERVAL_SECONDS = 300;
/** Agents sync at most every 10 s and at least daily; anything else is a typo. */
const MIN_INTERVAL_SECONDS = 10;
const MAX_INTERVAL_SECONDS = 86_400;

export interface AddedInstance {
  instance: Instance;
  /** Shown once; only its hash is stored. */
  token: string;
}

export async function addInstance(
  em: EntityManager,
  input: { workspace: Workspace; name: string; intervalSeconds?: number; actor: Actor; now?: Date },
): Promise<AddedInstance> {
  const { workspace, name, actor } = input;
  assertValidName('instance', name);
  const intervalSeconds = input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  if (intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
    throw new ConflictError('invalid_interval', `the sync interval must be between 10s and 1d (got ${intervalSeconds}s)`);
  }
  try {
    return await em.transactional(async (tx) => {
      const now = input.now ?? new Date();
      const instance = tx.create(Instance, { workspace, name, intervalSeconds, createdAt: now });
      recordAudit(tx, { action: 'instance.added', actor, workspace, instance, details: { intervalSeconds }, at: now });
      const token = issueSyncToken(tx, instance, actor, now);
      return { instance, token };
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError('duplicate_instance', `an instance named "${name}" already exists in workspace "${workspace.name}"`);
    }
    throw error;
  }
}

/**
 * The instance called `name` in `workspace`, optionally row-locked for the rest of the caller's
 * transaction. Unknown names fail with close suggestions.
 */
export async function findInstance(
  em: EntityManager,
  workspace: Workspace,
  name: string,
  options: { lock?: boolean } = {},
): Promise<Instance> {
  const instance = await em.findOne(
    Instance,
    { workspace, name },
    options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
  );
  if (instance) return instance;
  const names = (await em.find(Instance, { workspace }, { fields: ['name'] })).map((i) => i.name);
  throw new NotFoundError(
    'unknown_instance',
    `there is no instance named "${name}" in workspace "${workspace.name}".${didYouMean(name, names)}`,
    { suggestions: closeNames(name, names) },
  );
}

export interface InstanceSummary {
  name: string;
  intervalSeconds: number;
  paused: boolean;
  createdAt: Date;
  /** Visible ids of tokens that currently work (two during a rotation grace). */
  activeTokens: string[];
}

export async function listInstances(em: EntityManager, workspace: Workspace, now = new Date()): Promise<InstanceSummary[]> {
  const instances = await em.find(Instance, { workspace }, { orderBy: { name: 'asc' } });
  const tokens = await em.find(
    SyncToken,
    { instance: { $in: instances }, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
    { orderBy: { createdAt: 'asc' } },
  );
  return instances.map((instance) => ({
    name: instance.name,
    intervalSeconds: instance.intervalSeconds,
    paused: instance.pausedAt !== null && instance.pausedAt !== undefined,
    createdAt: instance.createdAt,
    activeTokens: tokens.filter((t) => t.instance.id === instance.id).map((t) => t.visibleId),
  }));
}

/** Deletes the instance and its tokens; audit rows stay, naming it. */
export async function removeInstance(em: EntityManager, input: { workspace: Workspace; name: string; actor: Actor }): Promise<void> {
  await em.transactional(async (tx) => {
    const instance = await findInstance(tx, input.workspace, input.name, { lock: true });
    recordAudit(tx, { action: 'instance.removed', actor: input.actor, workspace: input.workspace, subject: instance.name });
    tx.remove(instance);
  });
}

/** Pauses or resumes; returns false when the instance already was in that state. */
export async function setInstancePaused(
  em: EntityManager,
  input: { workspace: Workspace; name: string; paused: boolean; actor: Actor; now?: Date },
): Promise<boolean> {
  return em.transactional(async (tx) => {
    const instance = await findInstance(tx, input.workspace, input.name, { lock: true });
    const isPaused = instance.pausedAt !== null && instance.pausedAt !== undefined;
    if (isPaused === input.paused) return false;
    instance.pausedAt = input.paused ? (input.now ?? new Date()) : null;
    recordAudit(tx, {
      action: input.paused ? 'instance.paused' : 'instance.resumed',
      actor: input.actor,
      workspace: input.workspace,
      instance,
    });
    return true;
  });
}
