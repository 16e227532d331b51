/**
 * Every rule but stale, for a batch of instances: load their facts and open events in a handful
 * of queries, decide each kind with the pure rules, and write only the instances whose events
 * change, each in one transaction with its notifications. Stale is evaluated fleet-wide
 * (evaluate-stale.ts) because it is about the absence of snapshots.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { budgetMonths, budgetSpend } from '../budgets/budget-spend.ts';
import { enqueueNotifications } from '../notifications/enqueue.ts';
import { claimFirstContact } from '../notifications/first-contact.ts';
import type { Decision, EventKind, OpenEvent, OpenEvents } from './decision.ts';
import { applyDecisions, openEventsByInstance, refreshDetails, type DetailsRefresh, type EventChange } from './event-store.ts';
import { loadInstanceFacts, type InstanceFacts } from './instance-facts.ts';
import { decideBudget } from './rules/budget.ts';
import { decideCostDrift } from './rules/cost-drift.ts';
import { decideCronFailed } from './rules/cron-failed.ts';
import { decideCronMissed } from './rules/cron-missed.ts';
import { decideErrorSpike } from './rules/error-spike.ts';
import { decideGatewayDown } from './rules/gateway-down.ts';
import { decideSecurity } from './rules/security.ts';
import type { InstanceThresholds } from './instance-thresholds.ts';
import { overridesForInstances, thresholdsFrom } from './thresholds.ts';

export type InstanceKind = Exclude<EventKind, 'stale'>;

const KINDS: InstanceKind[] = ['gateway-down', 'cron-failed', 'cron-missed', 'cost-drift', 'error-spike', 'security', 'budget'];

/** Instances per round of queries: large enough to amortise them, small enough to keep rows in hand few. */
const BATCH = 500;

/** Batches evaluated at once (the machines we run on have two cores or more). */
const LANES = 2;

export interface EvaluationScope {
  /**
   * The instances whose usage rules (cost-drift, error-spike) run as well; default: all. Usage
   * is most of what a tick reads, and it only changes when a snapshot arrives, so the scheduler
   * passes the instances that synced and those with an open usage event.
   */
  withUsage?: ReadonlySet<string>;
}

/**
 * Thresholds are read with the facts, so `deepclaw threshold set` applies at the next evaluation.
 * Opens and resolves are written per instance, each with its notifications in one transaction;
 * fresh figures for events that stay open go out in one statement per batch, and only where they
 * changed.
 */
export async function evaluateInstances(em: EntityManager, instanceIds: readonly string[], now: Date, scope: EvaluationScope = {}): Promise<EventChange[]> {
  const batches: string[][] = [];
  for (let start = 0; start < instanceIds.length; start += BATCH) batches.push(instanceIds.slice(start, start + BATCH));
  if (batches.length <= 1) return batches.length ? evaluateBatch(em, batches[0]!, now, scope) : [];
  // Batches side by side, each on a connection of its own: the database works on one while
  // this process decides the other.
  const changes: EventChange[][] = [];
  let next = 0;
  const lane = async () => {
    const laneEm = em.fork();
    while (next < batches.length) {
      const index = next++;
      changes[index] = await evaluateBatch(laneEm, batches[index]!, now, scope);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, batches.length) }, lane));
  return changes.flat();
}

async function evaluateBatch(em: EntityManager, batch: readonly string[], now: Date, scope: EvaluationScope): Promise<EventChange[]> {
  const changes: EventChange[] = [];
  const withUsage = scope.withUsage ? batch.filter((id) => scope.withUsage!.has(id)) : batch;
  const facts = await loadInstanceFacts(em, batch, now, withUsage);
  const open = await openEventsByInstance(em, batch);
  const overrides = await overridesForInstances(em, batch);
  const thresholds = new Map(batch.map((id) => [id, thresholdsFrom(overrides.get(id) ?? new Map())]));
  // Month-to-date spend only where a budget is judged on new usage: an instance with a budget, or
  // an open budget event, whose usage changed. An open budget event without new usage needs only
  // its month (which may have turned) and its budget (which may have been raised). Most fleets
  // set few budgets, so this is usually no query at all.
  const usageChanged = new Set(withUsage);
  const hasBudgetEvent = (id: string) => open.get(id)?.has('budget') ?? false;
  const spendRead = batch.filter((id) => usageChanged.has(id) && (thresholds.get(id)!.budget.monthlyUsd !== undefined || hasBudgetEvent(id)));
  const monthOnly = batch.filter((id) => !usageChanged.has(id) && hasBudgetEvent(id));
  for (const budgetFacts of [await budgetSpend(em, spendRead, now), await budgetMonths(em, monthOnly, now)]) {
    for (const [instanceId, budget] of budgetFacts) {
      const instanceFacts = facts.get(instanceId);
      if (instanceFacts) instanceFacts.budget = budget;
    }
  }
  const refreshes: DetailsRefresh[] = [];
  for (const [instanceId, instanceFacts] of facts) {
    const openOfInstance = open.get(instanceId) ?? new Map<EventKind, OpenEvents>();
    const decisions = decideInstance(instanceFacts, openOfInstance, now, thresholds.get(instanceId)!);
    let transitions = false;
    for (const kind of KINDS) {
      for (const decision of decisions?.[kind] ?? []) {
        if (decision.action !== 'keep') transitions = true;
        else if (decision.details && !sameFigures(openOfInstance.get(kind)?.get(decision.key)?.details, decision.details)) {
          refreshes.push({ instanceId, kind, key: decision.key, details: decision.details });
        }
      }
    }
    // A paused instance is announced when it is resumed and judged.
    const firstContact = instanceFacts.unannounced && !instanceFacts.paused;
    if (!transitions && !firstContact) continue;
    changes.push(
      ...(await em.transactional(async (tx) => {
        const connected = firstContact ? await claimFirstContact(tx, instanceId, now) : undefined;
        const applied: EventChange[] = [];
        for (const kind of KINDS) {
          applied.push(...(await applyDecisions(tx, instanceId, kind, (decisions?.[kind] ?? []).filter((d) => d.action !== 'keep'), now)));
        }
        await enqueueNotifications(tx, applied, now, connected ? { connected: new Map([[instanceId, connected]]) } : {});
        return applied;
      })),
    );
  }
  await refreshDetails(em, refreshes);
  return changes;
}

/** Whether the stored figures already say what the rule found (the flapping mark aside). */
function sameFigures(stored: Record<string, unknown> | undefined, fresh: Record<string, unknown>): boolean {
  if (!stored) return false;
  const { flapping: _flapping, flappingSince: _since, ...figures } = stored;
  return isDeepStrictEqual(figures, fresh);
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
    // Without usage read this time, the usage events stay exactly as they are.
    'cost-drift': facts.usageLoaded ? decideCostDrift({ spend: facts.spend, historySince: facts.historySince }, openOf('cost-drift'), now, thresholds.costDrift) : [],
    'error-spike': facts.usageLoaded ? decideErrorSpike(facts.calls, openOf('error-spike'), now, thresholds.errorSpike) : [],
    security: decideSecurity(facts.security, openOf('security')),
    budget: facts.budget ? decideBudget(facts.budget, openOf('budget'), now, thresholds.budget) : [],
  };
  const writesSomething = Object.values(decisions).some((list) => list.some((d) => d.action !== 'keep' || d.details !== undefined));
  return writesSomething ? decisions : undefined;
}
