/**
 * cost-drift: the trailing-24h spend exceeds the baseline — the median of the same 24-hour window
 * on each of the previous 7 days — by both a ratio (default 1.5x) and an absolute amount (default
 * $5), naming the models that drove it. The median ignores a weekly rhythm (quiet weekends do not
 * make Monday look expensive). Resolves after spend stays under the threshold for a recovery
 * window (default 2 h), so a spike that wobbles around the line does not flap.
 */
import type { Decision, OpenEvents } from '../decision.ts';
import { dollars, humanDuration } from '../../human-format.ts';

export interface HourlySpend {
  hour: Date;
  model: string;
  costUsd: number;
}

export interface CostFacts {
  /** Hourly spend per model for at least the last 8 days (older hours are ignored). */
  spend: readonly HourlySpend[];
  /** Since when the instance has usage history; days before it do not count toward the baseline. */
  historySince?: Date;
}

export interface CostDriftThresholds {
  ratio: number;
  absoluteUsd: number;
  recoveryHours: number;
  /** Previous days of history needed before a baseline means anything. */
  minBaselineDays: number;
}

export const DEFAULT_COST_DRIFT: CostDriftThresholds = { ratio: 1.5, absoluteUsd: 5, recoveryHours: 2, minBaselineDays: 3 };

const KEY = 'spend';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CostFigures {
  trailingUsd: number;
  baselineUsd: number;
  /** Models whose trailing spend grew the most over their own baseline, largest first. */
  drivers: { model: string; deltaUsd: number }[];
}

/** Trailing 24 h (ending with the current hour) against the median of the 7 days before. */
export function costFigures(facts: CostFacts, now: Date, minBaselineDays: number): CostFigures | undefined {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const historyStart = facts.historySince?.getTime() ?? Math.min(...facts.spend.map((s) => s.hour.getTime()));
  const windows = Array.from({ length: 8 }, () => new Map<string, number>());
  for (const { hour, model, costUsd } of facts.spend) {
    const day = Math.floor((end - 1 - hour.getTime()) / DAY_MS);
    if (day < 0 || day > 7) continue;
    windows[day]!.set(model, (windows[day]!.get(model) ?? 0) + costUsd);
  }
  const baselineDays = [1, 2, 3, 4, 5, 6, 7].filter((day) => end - (day + 1) * DAY_MS >= historyStart);
  if (baselineDays.length < minBaselineDays) return undefined;
  const total = (window: Map<string, number>) => [...window.values()].reduce((sum, cost) => sum + cost, 0);
  const trailingUsd = total(windows[0]!);
  const baselineUsd = median(baselineDays.map((day) => total(windows[day]!)));
  const models = new Set(facts.spend.map((s) => s.model));
  const drivers = [...models]
    .map((model) => ({ model, deltaUsd: (windows[0]!.get(model) ?? 0) - median(baselineDays.map((day) => windows[day]!.get(model) ?? 0)) }))
    .filter((driver) => driver.deltaUsd > 0.005)
    .sort((a, b) => b.deltaUsd - a.deltaUsd)
    .slice(0, 3);
  return { trailingUsd, baselineUsd, drivers };
}

export function decideCostDrift(facts: CostFacts, open: OpenEvents, now: Date, thresholds: CostDriftThresholds): Decision[] {
  const current = open.get(KEY);
  const figures = facts.spend.length > 0 ? costFigures(facts, now, thresholds.minBaselineDays) : undefined;
  if (!figures) return current ? [{ action: 'keep', key: KEY }] : [];
  const { trailingUsd, baselineUsd, drivers } = figures;
  const over = trailingUsd > baselineUsd * thresholds.ratio && trailingUsd - baselineUsd > thresholds.absoluteUsd;
  const details: Record<string, unknown> = { trailingUsd: round(trailingUsd), baselineUsd: round(baselineUsd), drivers };
  if (over) {
    if (current) return [{ action: 'keep', key: KEY, details }];
    const times = baselineUsd > 0 ? ` (${(trailingUsd / baselineUsd).toFixed(1)}x)` : '';
    const drivenBy = drivers.length ? `, driven by ${drivers.map((d) => `${d.model} +${dollars(d.deltaUsd)}`).join(', ')}` : '';
    return [{ action: 'open', key: KEY, summary: `trailing-24h spend ${dollars(trailingUsd)} vs baseline ${dollars(baselineUsd)}${times}${drivenBy}`, details }];
  }
  if (!current) return [];
  const belowSince = typeof current.details.belowSince === 'string' ? Date.parse(current.details.belowSince) : now.getTime();
  if (now.getTime() - belowSince >= thresholds.recoveryHours * HOUR_MS) {
    return [
      {
        action: 'resolve',
        key: KEY,
        summary: `spend back to normal: trailing-24h ${dollars(trailingUsd)} vs baseline ${dollars(baselineUsd)} for ${humanDuration(now.getTime() - belowSince)}`,
        details,
      },
    ];
  }
  return [{ action: 'keep', key: KEY, details: { ...current.details, ...details, belowSince: new Date(belowSince).toISOString() } }];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}
