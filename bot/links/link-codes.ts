/**
 * One-time link codes: the admin CLI prints one, a platform admin types `/deepclaw link <code>` in
 * a chat, and that chat is attached to the code's workspace. Codes are short enough to type
 * (8 Crockford base32 characters, shown as `ABCD-EFGH`), expire after 15 minutes, work once, and
 * are stored only as a hash.
 */
import { createHash, randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { NotFoundError } from '../errors.ts';
import { ChatLink, LinkCode, type Workspace } from '../storage/entities/index.ts';

export const LINK_CODE_TTL_SECONDS = 15 * 60;
/** Crockford's base32: no I, L, O or U, so nothing reads as something else. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 8;

export interface IssuedLinkCode {
  /** Shown once, formatted `ABCD-EFGH`. */
  code: string;
  expiresAt: Date;
}

export async function createLinkCode(
  em: EntityManager,
  input: { workspace: Workspace; actor: Actor; now?: Date },
): Promise<IssuedLinkCode> {
  const now = input.now ?? new Date();
  const raw = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_SECONDS * 1000);
  await em.transactional(async (tx) => {
    tx.create(LinkCode, { workspace: input.workspace, codeHash: hashLinkCode(raw), createdAt: now, createdBy: input.actor.id, expiresAt });
    recordAudit(tx, { action: 'link_code.created', actor: input.actor, workspace: input.workspace, at: now, details: { expiresAt: expiresAt.toISOString() } });
  });
  return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt };
}

/**
 * Redeems `code` for the chat `(platform, externalId)`: the code is consumed with a compare-and-set,
 * so two chats racing for one code cannot both win. A chat linked before is moved to the new
 * workspace.
 */
export async function redeemLinkCode(
  em: EntityManager,
  input: { code: string; platform: string; externalId: string; actor: Actor; now?: Date },
): Promise<ChatLink> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const codeHash = hashLinkCode(normalizeLinkCode(input.code));
    const claimed = await tx.nativeUpdate(
      LinkCode,
      { codeHash, redeemedAt: null, expiresAt: { $gt: now } },
      { redeemedAt: now, redeemedBy: input.actor.id },
    );
    if (claimed !== 1) {
      throw new NotFoundError(
        'invalid_link_code',
        'that link code is unknown, already used or expired (codes last 15 minutes); ask an admin for a new one: deepclaw link-code',
      );
    }
    const code = await tx.findOneOrFail(LinkCode, { codeHash }, { populate: ['workspace'] });
    const existing = await tx.findOne(ChatLink, { platform: input.platform, externalId: input.externalId });
    const link = existing ?? tx.create(ChatLink, { workspace: code.workspace, platform: input.platform, externalId: input.externalId, linkedAt: now, linkedBy: input.actor.id });
    if (existing) {
      existing.workspace = code.workspace;
      existing.linkedAt = now;
      existing.linkedBy = input.actor.id;
    }
    recordAudit(tx, {
      action: 'chat.linked',
      actor: input.actor,
      workspace: code.workspace,
      at: now,
      subject: `${input.platform}:${input.externalId}`,
    });
    return link;
  });
}

/** What people type varies (`abcd efgh`, `ABCD-EFGH`, an O for a 0); the hash sees one form. */
export function normalizeLinkCode(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

function hashLinkCode(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex');
}
