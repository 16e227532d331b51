/**
 * Every rule but stale, for a batch of instances: load their facts and open events in a handful
 * of queries, decide each kind with the pure rules, and write only the instances whose events
 * change, each in one transaction with its notifications. Stale is evaluated fleet-wide
 * (evaluate-stale.ts) because it is about the absence of snapshots.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueNotifications } from '../notifications/enqueue.ts';
import type { Decision, EventKind, OpenEvent, OpenEvents } from './decision.ts';
import { applyDecisions, openEventsByInstance, type EventChange } from './event-store.ts';
import { loadInstanceFacts, type InstanceFacts } from './instance-facts.ts';
import { decideCostDrift, DEFAULT_COST_DRIFT, type CostDriftThresholds } from './rules/cost-drift.ts';
import { decideCronFailed } from './rules/cron-failed.ts';
import { decideCronMissed, type CronMissedThresholds } from './rules/cron-missed.ts';
import { decideErrorSpike, DEFAULT_ERROR_SPIKE, type ErrorSpikeThresholds } from './rules/error-spike.ts';
import { decideGatewayDown } from './rules/gateway-down.ts';
import { decideSecurity } from './rules/security.ts';
import { overridesForInstances, thresholdsFrom } from './thresholds.ts';

export interface InstanceThresholds {
  costDrift: CostDriftThresholds;
  errorSpike: ErrorSpikeThresholds;
  cronMissed: CronMissedThresholds;
}

export const DEFAULT_INSTANCE_THRESHOLDS: InstanceThresholds = { costDrift: DEFAULT_COST_DRIFT, errorSpike: DEFAULT_ERROR_SPIKE, cronMissed: {} };

export type InstanceKind = Exclude<EventKind, 'stale'>;

const KINDS: InstanceKind[] = ['gateway-down', 'cron-failed', 'cron-missed', 'cost-drift', 'error-spike', 'security'];

/** Instances per round of queries: large enough to amortise them, small enough to keep rows in hand few. */
const BATCH = 500;

/** Thresholds are read with the facts, so `deepclaw threshold set` applies at the next evaluation. */
export async function evaluateInstances(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<EventChange[]> {
  const changes: EventChange[] = [];
  for (let start = 0; start < instanceIds.length; start += BATCH) {
    const batch = instanceIds.slice(start, start + BATCH);
    const [facts, open, overrides] = [await loadInstanceFacts(em, batch, now), await openEventsByInstance(em, batch), await overridesForInstances(em, batch)];
    for (const [instanceId, instanceFacts] of facts) {
      const decisions = decideInstance(instanceFacts, open.get(instanceId) ?? new Map(), now, thresholdsFrom(overrides.get(instanceId) ?? new Map()));
      if (!decisions) continue;
      changes.push(
        ...(await em.transactional(async (tx) => {
          const applied: EventChange[] = [];
          for (const kind of KINDS) applied.push(...(await applyDecisions(tx, instanceId, kind, decisions[kind], now)));
          await enqueueNotifications(tx, applied, now);
          return applied;
        })),
      );
    }
  }
  return changes;
}

/** The decisions of every kind for one instance, or undefined when nothing is to be written. */
export function decideInstance(
  facts: InstanceFacts,
  open: ReadonlyMap<EventKind, OpenEvents>,
  now: Date,
  thresholds: InstanceThresholds,
): Record<InstanceKind, Decision[]> | undefined {
  // A paused instance raises no events; what was open stays as it is until it is resumed.
  if (facts.paused) return undefined;
  const openOf = (kind: InstanceKind) => open.get(kind) ?? new Map<string, OpenEvent>();
  const decisions: Record<InstanceKind, Decision[]> = {
    'gateway-down': decideGatewayDown({ gateway: facts.gateway }, openOf('gateway-down')),
    'cron-failed': decideCronFailed(facts.cron, openOf('cron-failed')),
    'cron-missed': decideCronMissed(facts.cron, openOf('cron-missed'), now, thresholds.cronMissed),
    'cost-drift': decideCostDrift({ spend: facts.spend, historySince: facts.historySince }, openOf('cost-drift'), now, thresholds.costDrift),
    'error-spike': decideErrorSpike(facts.calls, openOf('error-spike'), now, thresholds.errorSpike),
    security: decideSecurity(facts.security, openOf('security')),
  };
  const writesSomething = Object.values(decisions).some((list) => list.some((d) => d.action !== 'keep' || d.details !== undefined));
  return writesSomething ? decisions : undefined;
}
