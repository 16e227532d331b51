/**
 * Password-less sign-in: a person who may see a workspace asks in chat (`/deepclaw dashboard`)
 * or at the terminal (`deepclaw dashboard login`) and gets a link that works once, for ten
 * minutes. Opening it starts a session with the role they had when they asked.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { NotFoundError } from '../errors.ts';
import { DashboardSignIn, type Workspace } from '../storage/entities/index.ts';
import type { DashboardRole } from './roles.ts';
import { isWellFormedSecret, newSecret, sha256Hex } from './secrets.ts';
import { startSession, type StartedSession } from './sessions.ts';

export const SIGN_IN_TTL_SECONDS = 10 * 60;
const PREFIX = 'dcl_';

export interface IssuedSignIn {
  /** The path to open on the service's public URL; holds the secret, shown once. */
  path: string;
  expiresAt: Date;
}

export async function issueSignInLink(
  em: EntityManager,
  input: { workspace: Workspace; role: DashboardRole; actor: Actor; personName: string; now: Date },
): Promise<IssuedSignIn> {
  const secret = newSecret(PREFIX);
  const expiresAt = new Date(input.now.getTime() + SIGN_IN_TTL_SECONDS * 1000);
  await em.transactional(async (tx) => {
    tx.create(DashboardSignIn, {
      workspace: input.workspace,
      tokenHash: sha256Hex(secret),
      role: input.role,
      person: input.actor.id,
      personName: input.personName.slice(0, 200),
      createdAt: input.now,
      expiresAt,
    });
    recordAudit(tx, { action: 'dashboard.link_issued', actor: input.actor, workspace: input.workspace, subject: input.role, at: input.now, details: { role: input.role, expiresAt: expiresAt.toISOString() } });
  });
  return { path: `/sign-in/${secret}`, expiresAt };
}

export class SignInLinkError extends NotFoundError {}

/**
 * Consumes the link (compare-and-set on `used_at`, so two tabs racing for one link cannot both
 * win) and starts its session.
 */
export async function redeemSignInLink(em: EntityManager, input: { secret: string; now: Date; origin: string }): Promise<StartedSession> {
  const refused = () =>
    new SignInLinkError('invalid_sign_in_link', 'this sign-in link is unknown, already used or expired (links work once, for 10 minutes); ask for a new one with /deepclaw dashboard in chat, or deepclaw dashboard login');
  if (!isWellFormedSecret(input.secret, PREFIX)) throw refused();
  return em.transactional(async (tx) => {
    const [claimed] = await tx.execute<{ workspace_id: string; role: DashboardRole; person: string; person_name: string }[]>(
      `update dashboard_sign_in set used_at = ? where token_hash = ? and used_at is null and expires_at > ?
       returning workspace_id, role, person, person_name`,
      [input.now, sha256Hex(input.secret), input.now],
    );
    if (!claimed) throw refused();
    return startSession(tx, { workspaceId: claimed.workspace_id, role: claimed.role, person: claimed.person, personName: claimed.person_name, now: input.now, origin: input.origin });
  });
}
