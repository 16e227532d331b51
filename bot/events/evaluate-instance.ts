/**
 * Every rule but stale, for one instance: load its facts, decide each kind against its open
 * events, and write the changes with their notifications in one transaction. Stale is evaluated
 * fleet-wide (evaluate-stale.ts) because it is about the absence of snapshots.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueNotifications } from '../notifications/enqueue.ts';
import type { Decision, EventKind, OpenEvents } from './decision.ts';
import { applyDecisions, openEventsByInstance, type EventChange } from './event-store.ts';
import { loadInstanceFacts } from './instance-facts.ts';
import { decideCostDrift, DEFAULT_COST_DRIFT, type CostDriftThresholds } from './rules/cost-drift.ts';
import { decideCronFailed } from './rules/cron-failed.ts';
import { decideCronMissed, type CronMissedThresholds } from './rules/cron-missed.ts';
import { decideErrorSpike, DEFAULT_ERROR_SPIKE, type ErrorSpikeThresholds } from './rules/error-spike.ts';
import { decideGatewayDown } from './rules/gateway-down.ts';
import { decideSecurity } from './rules/security.ts';

export interface InstanceThresholds {
  costDrift: CostDriftThresholds;
  errorSpike: ErrorSpikeThresholds;
  cronMissed: CronMissedThresholds;
}

export const DEFAULT_INSTANCE_THRESHOLDS: InstanceThresholds = { costDrift: DEFAULT_COST_DRIFT, errorSpike: DEFAULT_ERROR_SPIKE, cronMissed: {} };

const KINDS: Exclude<EventKind, 'stale'>[] = ['gateway-down', 'cron-failed', 'cron-missed', 'cost-drift', 'error-spike', 'security'];

export async function evaluateInstance(em: EntityManager, instanceId: string, now: Date, thresholds = DEFAULT_INSTANCE_THRESHOLDS): Promise<EventChange[]> {
  const facts = await loadInstanceFacts(em, instanceId, now);
  const open = new Map<EventKind, OpenEvents>();
  for (const kind of KINDS) open.set(kind, (await openEventsByInstance(em, [instanceId], kind)).get(instanceId) ?? new Map());
  // A paused instance raises no events; what was open stays as it is until it is resumed.
  if (facts.paused) return [];
  const decisions: Record<(typeof KINDS)[number], Decision[]> = {
    'gateway-down': decideGatewayDown({ gateway: facts.gateway }, open.get('gateway-down')!),
    'cron-failed': decideCronFailed(facts.cron, open.get('cron-failed')!),
    'cron-missed': decideCronMissed(facts.cron, open.get('cron-missed')!, now, thresholds.cronMissed),
    'cost-drift': decideCostDrift({ spend: facts.spend, historySince: facts.historySince }, open.get('cost-drift')!, now, thresholds.costDrift),
    'error-spike': decideErrorSpike(facts.calls, open.get('error-spike')!, now, thresholds.errorSpike),
    security: decideSecurity(facts.security, open.get('security')!),
  };
  if (Object.values(decisions).every((list) => list.every((d) => d.action === 'keep' && !d.details))) return [];
  return em.transactional(async (tx) => {
    const changes: EventChange[] = [];
    for (const kind of KINDS) changes.push(...(await applyDecisions(tx, instanceId, kind, decisions[kind], now)));
    await enqueueNotifications(tx, changes, now);
    return changes;
  });
}
