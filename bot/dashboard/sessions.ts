/**
 * Dashboard sessions: a random cookie value whose hash is the row's key; an idle expiry (no
 * request for `IDLE_SECONDS`) and an absolute one (`ABSOLUTE_SECONDS` after sign-in, however
 * active); sign out and admin revocation. Looked up on every request, so revoking holds at once.
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { NotFoundError } from '../errors.ts';
import { DashboardSession, Workspace } from '../storage/entities/index.ts';
import type { DashboardRole, DashboardViewer } from './roles.ts';
import { isWellFormedSecret, newSecret, sha256Hex } from './secrets.ts';

/** A working day without a request ends a session; a week ends it regardless. */
export const IDLE_SECONDS = 12 * 3600;
export const ABSOLUTE_SECONDS = 7 * 86_400;
/** `last_seen_at` is written at most this often: reading a page should not cost a write each time. */
const TOUCH_EVERY_SECONDS = 60;
const PREFIX = 'dcs_web_';

export interface StartedSession {
  /** The cookie value; only its hash is stored. */
  cookie: string;
  expiresAt: Date;
  workspaceId: string;
}

export async function startSession(
  em: EntityManager,
  input: { workspaceId: string; role: DashboardRole; person: string; personName: string; now: Date; origin: string },
): Promise<StartedSession> {
  const cookie = newSecret(PREFIX);
  const expiresAt = new Date(input.now.getTime() + ABSOLUTE_SECONDS * 1000);
  const workspace = em.getReference(Workspace, input.workspaceId);
  const session = em.create(DashboardSession, {
    workspace,
    sessionHash: sha256Hex(cookie),
    csrfToken: randomBytes(24).toString('base64url'),
    role: input.role,
    person: input.person,
    personName: input.personName,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
  });
  recordAudit(em, { action: 'dashboard.signed_in', actor: { id: input.person, origin: input.origin }, workspace, subject: input.role, at: input.now, details: { session: session.id.slice(0, 8) } });
  await em.flush();
  return { cookie, expiresAt, workspaceId: input.workspaceId };
}

/** The session a cookie holds, if it is still good; touches it (idle expiry) at most once a minute. */
export async function findSession(em: EntityManager, cookie: string | undefined, now: Date): Promise<DashboardViewer | undefined> {
  if (!cookie || !isWellFormedSecret(cookie, PREFIX)) return undefined;
  const [row] = await em.execute<{ id: string; workspace_id: string; role: DashboardRole; person: string; person_name: string; csrf_token: string; last_seen_at: string }[]>(
    `select id, workspace_id, role, person, person_name, csrf_token, last_seen_at from dashboard_session
      where session_hash = ? and revoked_at is null and expires_at > ? and last_seen_at > ?`,
    [sha256Hex(cookie), now, new Date(now.getTime() - IDLE_SECONDS * 1000)],
  );
  if (!row) return undefined;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_SECONDS * 1000) {
    await em.execute('update dashboard_session set last_seen_at = ? where id = ?', [now, row.id]);
  }
  const workspace = await em.findOneOrFail(Workspace, { id: row.workspace_id });
  return { sessionId: row.id, workspace, role: row.role, person: row.person, personName: row.person_name, csrfToken: row.csrf_token };
}

export interface ListedSession {
  id: string;
  role: DashboardRole;
  person: string;
  personName: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** The workspace's sessions that still work, newest first. */
export async function listSessions(em: EntityManager, workspace: Workspace, now: Date): Promise<ListedSession[]> {
  const rows = await em.execute<{ id: string; role: DashboardRole; person: string; person_name: string; created_at: string; last_seen_at: string; expires_at: string }[]>(
    `select id, role, person, person_name, created_at, last_seen_at, expires_at from dashboard_session
      where workspace_id = ? and revoked_at is null and expires_at > ? and last_seen_at > ? order by created_at desc`,
    [workspace.id, now, new Date(now.getTime() - IDLE_SECONDS * 1000)],
  );
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    person: r.person,
    personName: r.person_name,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    // Whichever comes first: the absolute end, or the idle end if nobody uses it again.
    expiresAt: new Date(Math.min(new Date(r.expires_at).getTime(), new Date(r.last_seen_at).getTime() + IDLE_SECONDS * 1000)),
  }));
}

/**
 * Ends a session of the workspace: `idPrefix` is its id or a prefix of it (at least 8 characters,
 * as `deepclaw dashboard sessions` shows), or `all`. Returns how many ended.
 */
export async function revokeSessions(em: EntityManager, input: { workspace: Workspace; idPrefix: string; actor: Actor; now: Date }): Promise<number> {
  const all = input.idPrefix === 'all';
  if (!all && !/^[0-9a-f-]{8,36}$/i.test(input.idPrefix)) {
    throw new NotFoundError('unknown_session', `"${input.idPrefix.slice(0, 40)}" is not a session id; deepclaw dashboard sessions lists them (or use all).`);
  }
  return em.transactional(async (tx) => {
    const ended = await tx.execute<{ id: string }[]>(
      `update dashboard_session set revoked_at = ?, revoked_by = ?
        where workspace_id = ? and revoked_at is null and expires_at > ? and (? or id::text like ?) returning id`,
      [input.now, input.actor.id, input.workspace.id, input.now, all, `${input.idPrefix.toLowerCase()}%`],
    );
    if (ended.length === 0) throw new NotFoundError('unknown_session', `no working session of workspace "${input.workspace.name}" has an id starting with "${input.idPrefix}"; deepclaw dashboard sessions lists them.`);
    if (!all && ended.length > 1) throw new NotFoundError('ambiguous_session', `more than one session starts with "${input.idPrefix}"; type more of its id.`);
    recordAudit(tx, { action: 'dashboard.session_revoked', actor: input.actor, workspace: input.workspace, subject: all ? 'all' : ended[0]!.id.slice(0, 8), at: input.now, details: { sessions: ended.length } });
    return ended.length;
  });
}

/** Sign out: ends the viewer's own session. */
export async function endSession(em: EntityManager, viewer: DashboardViewer, now: Date, origin: string): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute('update dashboard_session set revoked_at = ?, revoked_by = ? where id = ? and revoked_at is null', [now, viewer.person, viewer.sessionId]);
    recordAudit(tx, { action: 'dashboard.signed_out', actor: { id: viewer.person, origin }, workspace: viewer.workspace, at: now });
  });
}
