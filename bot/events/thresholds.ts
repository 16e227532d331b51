/**
 * Rule thresholds: defaults, overridden per workspace and then per instance with
 * `deepclaw threshold set <name> <value> [--instance <name>]`. Durations are stored in seconds.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { DurationError, toDurationText, toSeconds } from '../duration.ts';
import { InvalidInputError } from '../errors.ts';
import type { Instance, Workspace } from '../storage/entities/index.ts';
import { DEFAULT_INSTANCE_THRESHOLDS, type InstanceThresholds } from './instance-thresholds.ts';
import { sqlArray } from '../storage/sql-array.ts';

type Unit = 'duration' | 'number' | 'dollars' | 'count' | 'fraction';

interface ThresholdSpec {
  unit: Unit;
  meaning: string;
  /** The default, for `threshold list`. */
  fallback: string;
  valid(value: number): boolean;
  /**
   * Whether `off` is a value: stored as 0, it means "none" at its level, so an instance can have
   * no budget although its workspace has one.
   */
  canBeOff?: true;
}

/** What `off` is stored as, for thresholds that can be off. */
export const OFF = 0;

export const THRESHOLDS: Record<string, ThresholdSpec> = {
  'stale.grace': { unit: 'duration', meaning: 'silence allowed past the agent interval', fallback: 'max(interval, 5m)', valid: (v) => v >= 1 },
  'cron-missed.grace': { unit: 'duration', meaning: 'lateness allowed before a cron run counts as missed', fallback: 'half the interval, 2m–30m; else 10m', valid: (v) => v >= 1 },
  'cost-drift.ratio': { unit: 'number', meaning: 'trailing-24h spend over baseline that alerts', fallback: '1.5', valid: (v) => v > 1 },
  'cost-drift.absolute': { unit: 'dollars', meaning: 'dollars over baseline that alert', fallback: '5', valid: (v) => v >= 0 },
  'cost-drift.recovery': { unit: 'duration', meaning: 'time under the line before cost drift resolves', fallback: '2h', valid: (v) => v >= 60 },
  'error-spike.min-errors': { unit: 'count', meaning: 'failed calls in the last hour needed to alert', fallback: '5', valid: (v) => Number.isInteger(v) && v >= 1 },
  'error-spike.min-rate': { unit: 'fraction', meaning: 'failure rate needed to alert (0–1)', fallback: '0.1', valid: (v) => v > 0 && v <= 1 },
  'error-spike.ratio': { unit: 'number', meaning: 'failure rate over the usual rate that alerts', fallback: '3', valid: (v) => v > 1 },
  'budget.monthly': { unit: 'dollars', meaning: 'monthly spend budget per instance; off for none', fallback: 'off', valid: (v) => v > 0, canBeOff: true },
};

export type ThresholdName = keyof typeof THRESHOLDS;

/** Reads what an operator typed (`15m`, `2.5`, `$10`) into the stored number, or says what is wrong. */
export function parseThresholdValue(name: string, text: string): number {
  const spec = THRESHOLDS[name];
  if (!spec) {
    throw new InvalidInputError('unknown_threshold', `there is no threshold "${name}"; the thresholds are: ${Object.keys(THRESHOLDS).join(', ')}`);
  }
  if (spec.canBeOff && /^(off|none)$/i.test(text.trim())) return OFF;
  let value: number;
  if (spec.unit === 'duration') {
    try {
      value = toSeconds(text);
    } catch (error) {
      if (error instanceof DurationError) throw new InvalidInputError('invalid_threshold', `${name}: ${error.message}`);
      throw error;
    }
  } else {
    value = Number(text.replace(/^\$/, ''));
  }
  if (!Number.isFinite(value) || !spec.valid(value)) {
    // "0" is a plausible way to say "none"; say which word does it.
    const offHint = spec.canBeOff && value === 0 ? `; for none, set it to off` : '';
    throw new InvalidInputError('invalid_threshold', `"${text}" is not a valid ${name} (${spec.meaning}; default ${spec.fallback})${offHint}`);
  }
  return value;
}

export function formatThresholdValue(name: string, value: number): string {
  const spec = THRESHOLDS[name];
  if (spec?.canBeOff && value === OFF) return 'off';
  const unit = spec?.unit;
  if (unit === 'duration') return toDurationText(value);
  if (unit === 'dollars') return `$${value}`;
  return String(value);
}

/** Overrides (name -> value) on top of the defaults, in the rules' shape. */
export function thresholdsFrom(overrides: ReadonlyMap<string, number>, staleGraceFromEnv?: number): InstanceThresholds & { staleGraceSeconds?: number } {
  const d = DEFAULT_INSTANCE_THRESHOLDS;
  return {
    staleGraceSeconds: overrides.get('stale.grace') ?? staleGraceFromEnv,
    cronMissed: { graceSeconds: overrides.get('cron-missed.grace') },
    costDrift: {
      ...d.costDrift,
      ratio: overrides.get('cost-drift.ratio') ?? d.costDrift.ratio,
      absoluteUsd: overrides.get('cost-drift.absolute') ?? d.costDrift.absoluteUsd,
      recoveryHours: (overrides.get('cost-drift.recovery') ?? d.costDrift.recoveryHours * 3600) / 3600,
    },
    errorSpike: {
      minErrors: overrides.get('error-spike.min-errors') ?? d.errorSpike.minErrors,
      minRate: overrides.get('error-spike.min-rate') ?? d.errorSpike.minRate,
      ratio: overrides.get('error-spike.ratio') ?? d.errorSpike.ratio,
    },
    // No default: without one set (or with `off` nearest the instance), there is no budget.
    budget: { monthlyUsd: budgetOrNone(overrides.get('budget.monthly')) },
  };
}

function budgetOrNone(value: number | undefined): number | undefined {
  return value === undefined || value === OFF ? undefined : value;
}

/** The overrides in force for each instance: its workspace's, then its own on top. */
export async function overridesForInstances(em: EntityManager, instanceIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const rows = await em.execute<{ instance_id: string; name: string; value: number; own: boolean }[]>(
    `select i.id as instance_id, t.name, t.value, t.instance_id is not null as own
       from threshold_override t join instance i on i.workspace_id = t.workspace_id
      where i.id = any(?::uuid[]) and (t.instance_id is null or t.instance_id = i.id)
      order by own`,
    [sqlArray(instanceIds)],
  );
  const byInstance = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const overrides = byInstance.get(row.instance_id) ?? new Map<string, number>();
    overrides.set(row.name, row.value);
    byInstance.set(row.instance_id, overrides);
  }
  return byInstance;
}

export async function setThreshold(
  em: EntityManager,
  input: { workspace: Workspace; instance?: Instance; name: string; value: string; actor: Actor; now?: Date },
): Promise<number> {
  const value = parseThresholdValue(input.name, input.value);
  const now = input.now ?? new Date();
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into threshold_override (id, workspace_id, instance_id, name, value, updated_at, updated_by)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?)
       on conflict ("workspace_id", coalesce("instance_id", '00000000-0000-0000-0000-000000000000'::uuid), "name")
       do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [input.workspace.id, input.instance?.id ?? null, input.name, value, now, input.actor.id],
    );
    recordAudit(tx, {
      action: 'threshold.set',
      actor: input.actor,
      workspace: input.workspace,
      instance: input.instance ?? null,
      subject: input.instance?.name ?? input.workspace.name,
      details: { name: input.name, value },
      at: now,
    });
  });
  return value;
}

export interface ThresholdListing {
  name: string;
  meaning: string;
  defaultValue: string;
  workspaceValue?: string;
  instanceValue?: string;
}

export async function listThresholds(em: EntityManager, workspace: Workspace, instance?: Instance): Promise<ThresholdListing[]> {
  const rows = await em.execute<{ name: string; value: number; own: boolean }[]>(
    `select name, value, instance_id is not null as own from threshold_override
      where workspace_id = ? and (instance_id is null or instance_id = ?)`,
    [workspace.id, instance?.id ?? null],
  );
  return Object.entries(THRESHOLDS).map(([name, spec]) => {
    const workspaceRow = rows.find((r) => r.name === name && !r.own);
    const instanceRow = rows.find((r) => r.name === name && r.own);
    return {
      name,
      meaning: spec.meaning,
      defaultValue: spec.fallback,
      workspaceValue: workspaceRow ? formatThresholdValue(name, workspaceRow.value) : undefined,
      instanceValue: instanceRow ? formatThresholdValue(name, instanceRow.value) : undefined,
    };
  });
}
