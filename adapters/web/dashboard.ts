/**
 * The dashboard as the composition root wires it: its routes for the Koa app, and the live-update
 * hub the signals feed (`snapshotsStored` from ingest and LISTEN/NOTIFY, `eventsChanged` when
 * evaluation changed events).
 */
import type { Middleware } from 'koa';
import { SpendBaselineCache } from '../../bot/dashboard/spend-baselines.ts';
import type { Logger } from '../../bot/logger.ts';
import { sqlArray } from '../../bot/storage/sql-array.ts';
import type { Orm } from '../../bot/storage/orm.ts';
import { dashboardRouter } from './dashboard-routes.ts';
import { LiveUpdates } from './live-updates.ts';

export interface Dashboard {
  routes: Middleware<any>;
  live: LiveUpdates;
  close(): void;
}

export function createDashboard(input: { orm: Orm; logger: Logger; clock: () => Date; publicUrl: string; chatAdmins: ReadonlySet<string>; liveCoalesceMs?: number }): Dashboard {
  const live = new LiveUpdates({
    workspacesOf: async (ids) =>
      (await input.orm.em.fork().execute<{ workspace_id: string }[]>('select distinct workspace_id from instance where id = any(?::uuid[])', [sqlArray(ids)])).map((r) => r.workspace_id),
    coalesceMs: input.liveCoalesceMs,
    onError: (error) => input.logger.warn({ err: error }, 'a live dashboard update failed; open pages catch up on the next one'),
  });
  const router = dashboardRouter({
    orm: input.orm,
    logger: input.logger,
    clock: input.clock,
    publicUrl: input.publicUrl,
    live,
    baselines: new SpendBaselineCache(),
    // Web actions run through the chat command core; a dashboard session is never an install path, so no agent checksum.
    commands: { orm: input.orm, chatAdmins: input.chatAdmins, publicUrl: input.publicUrl, agentSha256: async () => undefined, clock: input.clock },
  });
  return { routes: router.routes() as Middleware<any>, live, close: () => live.close() };
}
