/**
 * Creating a token row: the one piece of token handling that adding an instance needs. Apart from
 * `sync-tokens.ts` (rotation, revocation, checks, which look instances up by name), so that
 * instances and tokens do not import each other.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { SyncToken, type Instance } from '../storage/entities/index.ts';
import { generateSyncToken, hashSyncToken, visibleIdOf } from './sync-token-format.ts';

/** Creates a token row for `instance` inside the caller's transaction and returns the token. */
export function issueSyncToken(em: EntityManager, instance: Instance, actor: Actor, now = new Date()): string {
  const token = persistNewToken(em, instance, actor, now);
  recordAudit(em, {
    action: 'token.issued',
    actor,
    workspace: instance.workspace,
    instance,
    details: { token: visibleIdOf(token) },
    at: now,
  });
  return token;
}

/** A new token's row (only its hash and visible id are stored); the caller audits it. */
export function persistNewToken(em: EntityManager, instance: Instance, actor: Actor, now: Date): string {
  const token = generateSyncToken();
  em.create(SyncToken, { instance, visibleId: visibleIdOf(token), tokenHash: hashSyncToken(token), createdAt: now, createdBy: actor.id });
  return token;
}
