/**
 * An instance's first contact is one message: "my-vps connected" with its state (gateway, cron
 * health, security, spend today) and any problems already present, instead of a page per
 * problem. The announcement is claimed with a compare-and-set on `instance.connected_at`, inside
 * the transaction that opens the first snapshot's events, so exactly one worker makes it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { dollars } from '../human-format.ts';
import type { ConnectedState } from '../messages/incident-message.ts';
import { incidentMessage } from '../messages/incident-message.ts';
import { startOfUtcDay } from '../status/spend.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';

/** Claims the announcement (false when another worker did) and reads the state it shows. */
export async function claimFirstContact(em: EntityManager, instanceId: string, now: Date): Promise<ConnectedState | undefined> {
  const claimed = await em.execute<{ id: string }[]>(`update instance set connected_at = ? where id = ? and connected_at is null returning id`, [now, instanceId]);
  if (claimed.length === 0) return undefined;
  const [row] = await em.execute<{ gateway: Record<string, unknown>; security: Record<string, unknown>; cron_total: number; cron_failing: number; spend_today: number | null }[]>(
    `select s.gateway, s.security,
            (select count(*)::int from cron_job c where c.instance_id = s.instance_id) as cron_total,
            (select count(*)::int from cron_job c where c.instance_id = s.instance_id and (c.last_status = 'error' or c.auto_disabled)) as cron_failing,
            (select sum(u.cost_usd)::float8 from usage_hourly u where u.instance_id = s.instance_id and u.hour >= ?) as spend_today
       from instance_state s where s.instance_id = ?`,
    [startOfUtcDay(now), instanceId],
  );
  if (!row) return undefined;
  return describeConnectedState(row);
}

/** The state as short phrases, pure. */
export function describeConnectedState(row: { gateway: Record<string, unknown>; security: Record<string, unknown>; cron_total: number; cron_failing: number; spend_today: number | null }): ConnectedState {
  const gateway = row.gateway as { version?: string; live?: boolean; ready?: boolean };
  const security = row.security as { bind?: string; authMode?: string; audit?: { critical?: number; warn?: number } };
  const gatewayText = gateway.live === false ? 'down' : gateway.ready === false ? 'up, not ready' : 'up';
  const critical = security.audit?.critical ?? 0;
  const warn = security.audit?.warn ?? 0;
  const findings = critical + warn > 0 ? `, audit: ${critical} critical, ${warn} warning` : '';
  return {
    gateway: `${gatewayText}${gateway.version ? ` (${gateway.version})` : ''}`,
    cron: row.cron_total === 0 ? 'no jobs' : `${row.cron_total} job${row.cron_total === 1 ? '' : 's'}, ${row.cron_failing === 0 ? (row.cron_total === 1 ? 'healthy' : 'all healthy') : `${row.cron_failing} failing`}`,
    security: `bind ${security.bind ?? 'unknown'}, auth ${security.authMode ?? 'unknown'}${findings}`,
    spendToday: dollars(row.spend_today ?? 0),
  };
}

/** A healthy first contact: "my-vps connected" to every channel receiving the workspace's news. */
export async function queueConnectedNotice(em: EntityManager, instanceId: string, connected: ConnectedState, now: Date): Promise<number> {
  const [instance] = await em.execute<{ name: string; workspace_id: string }[]>(`select name, workspace_id from instance where id = ?`, [instanceId]);
  if (!instance) return 0;
  const message = incidentMessage({ leaderEventId: instanceId, instanceName: instance.name, openedAt: now, members: [], connected });
  const result = await em.execute<{ affectedRows: number }>(
    `insert into notification (id, subscription_id, action, state, attempts, next_attempt_at, created_at, message)
     select gen_random_uuid(), r.subscription_id, 'notice', 'pending', 0, p.at, p.at, ?::jsonb
       from (select ?::uuid as workspace_id, ?::uuid as instance_id, ?::timestamptz as at) as p
       cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'p.workspace_id', instanceId: 'p.instance_id', kind: 'null', at: 'p.at' })}) r`,
    [JSON.stringify(message), instance.workspace_id, instanceId, now],
    'run',
  );
  return result.affectedRows;
}
