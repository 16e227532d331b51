/**
 * Issuing, rotating, revoking and checking sync tokens: the one core API that the admin CLI, the
 * chat commands and ingest all call. A token is stored only as its SHA-256, shown once, and scoped
 * to exactly one instance.
 */
import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ConflictError } from '../errors.ts';
import { findInstance } from '../instances/instances.ts';
import { SyncToken, type Instance, type Workspace } from '../storage/entities/index.ts';
import { persistNewToken } from './issue-sync-token.ts';
import { tokenStatus } from './token-status.ts';
import { checkSyncTokenFormat, generateSyncToken, hashSyncToken, visibleIdOf } from './sync-token-format.ts';

export interface RotatedToken {
  instance: Instance;
  token: string;
  /** Visible ids of the tokens this rotation retired, and until when they still work. */
  retired: { visibleId: string; worksUntil: Date }[];
}

/**
 * Issues a new token and retires the instance's current ones: at once, or after `graceSeconds`
 * so an agent can be switched over without a gap. Concurrent rotations of one instance are
 * serialised on the instance row, so exactly one new token survives.
 */
export async function rotateSyncToken(
  em: EntityManager,
  input: { workspace: Workspace; instanceName: string; graceSeconds?: number; actor: Actor; now?: Date },
): Promise<RotatedToken> {
  const now = input.now ?? new Date();
  const worksUntil = new Date(now.getTime() + (input.graceSeconds ?? 0) * 1000);
  return em.transactional(async (tx) => {
    const instance = await findInstance(tx, input.workspace, input.instanceName, { lock: true });
    const current = await activeTokens(tx, instance, now);
    for (const old of current) {
      if (input.graceSeconds) {
        // A token already in an earlier grace keeps its earlier end.
        old.expiresAt = old.expiresAt && old.expiresAt < worksUntil ? old.expiresAt : worksUntil;
      } else {
        old.revokedAt = now;
        old.revokedBy = input.actor.id;
      }
    }
    const token = persistNewToken(tx, instance, input.actor, now);
    const retired = current.map((old) => ({ visibleId: old.visibleId, worksUntil: old.revokedAt ?? old.expiresAt ?? now }));
    recordAudit(tx, {
      action: 'token.rotated',
      actor: input.actor,
      workspace: input.workspace,
      instance,
      at: now,
      details: { token: visibleIdOf(token), retired: retired.map((r) => r.visibleId), graceSeconds: input.graceSeconds ?? 0 },
    });
    return { instance, token, retired };
  });
}

/** Revokes every working token of the instance at once; the next request with any of them fails. */
export async function revokeSyncTokens(
  em: EntityManager,
  input: { workspace: Workspace; instanceName: string; actor: Actor; now?: Date },
): Promise<string[]> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const instance = await findInstance(tx, input.workspace, input.instanceName, { lock: true });
    const current = await activeTokens(tx, instance, now);
    if (current.length === 0) {
      throw new ConflictError('no_active_token', `"${instance.name}" has no working token to revoke; issue one with: deepclaw token rotate ${instance.name}`);
    }
    for (const token of current) {
      token.revokedAt = now;
      token.revokedBy = input.actor.id;
    }
    const revoked = current.map((t) => t.visibleId);
    recordAudit(tx, { action: 'token.revoked', actor: input.actor, workspace: input.workspace, instance, at: now, details: { revoked } });
    return revoked;
  });
}

export type SyncTokenCheck =
  | { ok: true; instance: Instance; tokenId: string }
  | { ok: false; reason: 'malformed' | 'bad_checksum' | 'unknown' | 'revoked' | 'expired' };

/**
 * Who a presented token writes for, read from the database on every call so a revocation holds
 * on the very next request in every process. Shape and checksum are checked before any lookup.
 */
export async function checkSyncToken(em: EntityManager, presented: string, now = new Date()): Promise<SyncTokenCheck> {
  const format = checkSyncTokenFormat(presented);
  if (format !== 'ok') return { ok: false, reason: format };
  const hash = hashSyncToken(presented);
  const row = await em.findOne(SyncToken, { tokenHash: hash }, { populate: ['instance', 'instance.workspace'] });
  // The index lookup is by hash; the comparison that decides is constant-time anyway, so a
  // future change to the lookup cannot turn into a timing oracle.
  if (!row || !timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) {
    return { ok: false, reason: 'unknown' };
  }
  const status = tokenStatus(row, now);
  return status === 'ok' ? { ok: true, instance: row.instance, tokenId: row.id } : { ok: false, reason: status };
}

function activeTokens(em: EntityManager, instance: Instance, now: Date): Promise<SyncToken[]> {
  return em.find(SyncToken, {
    instance,
    revokedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  });
}
