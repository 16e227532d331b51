/**
 * "Which channels receive this?", written once (like Healthchecks' `select_channels`): a
 * workspace's subscriptions that are enabled and not muted, that want the event's kind, unless
 * the instance or the workspace is muted. Alerts, reminders and grouped stale alerts all ask it,
 * inside their own set-based inserts, so it is a SQL fragment rather than a list in memory.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * SQL expressions (column references such as `i.workspace_id`, never `?`: some are used twice)
 * naming what is being sent. `instanceId` and `kind` may be `null`: no instance mute applies, or
 * the message is no event's kind (a notice), which every channel receives.
 */
export interface ReceivingFor {
  workspaceId: string;
  instanceId: string;
  kind: string;
  at: string;
}

/** A subquery of `subscription_id`s; use as `… in (${receivingSubscriptionsSql(…)})` or in a lateral join. */
export function receivingSubscriptionsSql(to: ReceivingFor): string {
  return `select rs.id as subscription_id
      from subscription rs join workspace rw on rw.id = rs.workspace_id
     where rs.workspace_id = ${to.workspaceId}
       and rs.disabled_at is null
       and (rs.muted_until is null or rs.muted_until <= ${to.at})
       and (rw.muted_until is null or rw.muted_until <= ${to.at})
       and (${to.kind}::text is null or rs.kinds is null or jsonb_exists(rs.kinds, ${to.kind}))
       and not exists (select 1 from instance ri where ri.id = ${to.instanceId} and ri.muted_until > ${to.at})`;
}

/** The same question from code: the subscription ids receiving a message now. */
export async function receivingSubscriptions(
  em: EntityManager,
  input: { workspaceId: string; instanceId: string | null; kind: string | null; at: Date },
): Promise<string[]> {
  const rows = await em.execute<{ subscription_id: string }[]>(
    `select r.subscription_id
       from (values (?::uuid, ?::uuid, ?::text, ?::timestamptz)) as p(workspace_id, instance_id, kind, at)
       cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'p.workspace_id', instanceId: 'p.instance_id', kind: 'p.kind', at: 'p.at' })}) r
      order by r.subscription_id`,
    [input.workspaceId, input.instanceId, input.kind, input.at],
  );
  return rows.map((row) => row.subscription_id);
}
