/**
 * What every dashboard route needs: its dependencies, who is asking (from the session cookie,
 * looked up once per request), and the refusals for a missing session or role.
 */
import type { Context } from 'koa';
import type { CommandDependencies } from '../../bot/commands/command-core.ts';
import type { DashboardViewer } from '../../bot/dashboard/roles.ts';
import { findSession } from '../../bot/dashboard/sessions.ts';
import type { SpendBaselineCache } from '../../bot/dashboard/spend-baselines.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Orm } from '../../bot/storage/orm.ts';
import { readSessionCookie } from './cookies.ts';
import { DashboardHttpError } from './dashboard-error.ts';
import type { LiveUpdates } from './live-updates.ts';

export interface DashboardDependencies {
  orm: Orm;
  logger: Logger;
  clock: () => Date;
  /** DEEPCLAW_PUBLIC_URL: links in chat point here; forms must come from its origin. */
  publicUrl: string;
  live: LiveUpdates;
  baselines: SpendBaselineCache;
  /** What web actions (Ack, Mute) run through: the chat command core, as the chat buttons do. */
  commands: CommandDependencies;
}

export interface DashboardState {
  requestId: string;
  viewer?: DashboardViewer | null;
}

export type DashboardContext = Context & { state: DashboardState };

export function isHttps(deps: Pick<DashboardDependencies, 'publicUrl'>): boolean {
  return deps.publicUrl.startsWith('https:');
}

/** The signed-in viewer, or undefined. */
export async function currentViewer(ctx: DashboardContext, deps: DashboardDependencies): Promise<DashboardViewer | undefined> {
  if (ctx.state.viewer === undefined) {
    ctx.state.viewer = (await findSession(deps.orm.em.fork(), readSessionCookie(ctx, isHttps(deps)), deps.clock())) ?? null;
  }
  return ctx.state.viewer ?? undefined;
}

export async function requireViewer(ctx: DashboardContext, deps: DashboardDependencies): Promise<DashboardViewer> {
  const viewer = await currentViewer(ctx, deps);
  if (!viewer) throw new DashboardHttpError(401, 'not_signed_in', 'You are not signed in, or your session ended. Type /deepclaw dashboard in a chat linked to DeepClaw for a sign-in link (or run deepclaw dashboard login on the server).');
  return viewer;
}

export async function requireAdmin(ctx: DashboardContext, deps: DashboardDependencies, what: string): Promise<DashboardViewer> {
  const viewer = await requireViewer(ctx, deps);
  if (viewer.role !== 'admin') throw new DashboardHttpError(403, 'admins_only', `Only DeepClaw admins can ${what}. Nothing was changed.`);
  return viewer;
}
