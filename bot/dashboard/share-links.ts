/**
 * Share links for spend reports: read-only, aggregates only, expiring (default 7 days, at most
 * 90), revocable, audited. The URL's secret is shown once to the admin who made it; the audit log
 * and lists show only its first characters, and the request log only the route pattern.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { ShareLink, type Workspace } from '../storage/entities/index.ts';
import { isWellFormedSecret, newSecret, sha256Hex } from './secrets.ts';
import type { DayRange } from './day-range.ts';

export const DEFAULT_SHARE_DAYS = 7;
export const MAX_SHARE_DAYS = 90;
const PREFIX = 'dcr_';

/** What an admin may tick in beyond the aggregate figures. */
export const SHARE_INCLUDES = ['instances', 'versions', 'cron'] as const;
export type ShareInclude = (typeof SHARE_INCLUDES)[number];

export interface SharedReport {
  id: string;
  visibleId: string;
  workspace: Workspace;
  range: DayRange;
  includes: ShareInclude[];
  createdAt: Date;
  createdBy: string;
  expiresAt: Date;
}

export function toShareIncludes(values: readonly string[]): ShareInclude[] {
  const unknown = values.filter((v) => !(SHARE_INCLUDES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new InvalidInputError('bad_share_include', `a share link can include ${SHARE_INCLUDES.join(', ')} (got "${unknown[0]!.slice(0, 40)}").`);
  return [...new Set(values)] as ShareInclude[];
}

export async function createShareLink(
  em: EntityManager,
  input: { workspace: Workspace; range: DayRange; includes: ShareInclude[]; expiresInDays?: number; actor: Actor; now: Date },
): Promise<{ path: string; visibleId: string; expiresAt: Date }> {
  const days = input.expiresInDays ?? DEFAULT_SHARE_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_SHARE_DAYS) {
    throw new InvalidInputError('bad_share_expiry', `a share link expires after 1 to ${MAX_SHARE_DAYS} days (got ${days}).`);
  }
  const secret = newSecret(PREFIX);
  const visibleId = secret.slice(0, 10);
  const expiresAt = new Date(input.now.getTime() + days * 86_400_000);
  await em.transactional(async (tx) => {
    tx.create(ShareLink, {
      workspace: input.workspace,
      tokenHash: sha256Hex(secret),
      visibleId,
      fromDay: input.range.from,
      toDay: input.range.to,
      includes: input.includes,
      createdAt: input.now,
      createdBy: input.actor.id,
      expiresAt,
    });
    recordAudit(tx, {
      action: 'share_link.created',
      actor: input.actor,
      workspace: input.workspace,
      subject: visibleId,
      at: input.now,
      details: { from: input.range.from.toISOString().slice(0, 10), to: input.range.to.toISOString().slice(0, 10), includes: input.includes, expiresAt: expiresAt.toISOString() },
    });
  });
  return { path: `/shared/${secret}`, visibleId, expiresAt };
}

/** The report a share link opens, while it works; undefined otherwise (the page says "not found"). */
export async function findShareLink(em: EntityManager, secret: string, now: Date): Promise<SharedReport | undefined> {
  if (!isWellFormedSecret(secret, PREFIX)) return undefined;
  const link = await em.findOne(ShareLink, { tokenHash: sha256Hex(secret), revokedAt: null, expiresAt: { $gt: now } }, { populate: ['workspace'] });
  return link ? toSharedReport(link) : undefined;
}

export async function listShareLinks(em: EntityManager, workspace: Workspace, now: Date): Promise<SharedReport[]> {
  const links = await em.find(ShareLink, { workspace, revokedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: 'desc' }, populate: ['workspace'] });
  return links.map(toSharedReport);
}

export async function revokeShareLink(em: EntityManager, input: { workspace: Workspace; id: string; actor: Actor; now: Date }): Promise<void> {
  await em.transactional(async (tx) => {
    const link = /^[0-9a-f-]{36}$/i.test(input.id) ? await tx.findOne(ShareLink, { id: input.id, workspace: input.workspace, revokedAt: null }) : null;
    if (!link) throw new NotFoundError('unknown_share_link', 'that share link is not one of this workspace’s working links.');
    link.revokedAt = input.now;
    link.revokedBy = input.actor.id;
    recordAudit(tx, { action: 'share_link.revoked', actor: input.actor, workspace: input.workspace, subject: link.visibleId, at: input.now });
  });
}

function toSharedReport(link: ShareLink): SharedReport {
  return {
    id: link.id,
    visibleId: link.visibleId,
    workspace: link.workspace as Workspace,
    range: { from: link.fromDay, to: link.toDay },
    includes: link.includes as ShareInclude[],
    createdAt: link.createdAt,
    createdBy: link.createdBy,
    expiresAt: link.expiresAt,
  };
}
