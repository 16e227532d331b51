/**
 * error-spike: model calls failing in the last hour well above this instance's usual rate. Opens
 * when at least `minErrors` calls failed and the failure rate is at least `ratio` times the rate
 * of the 24 hours before (and at least `minRate`); resolves when it falls below half of that
 * line, so a rate hovering at the threshold does not flap.
 */
import type { Decision, OpenEvents } from '../decision.ts';

export interface HourlyCalls {
  hour: Date;
  runs: number;
  errors: number;
}

export interface ErrorSpikeThresholds {
  minErrors: number;
  minRate: number;
  ratio: number;
}

export const DEFAULT_ERROR_SPIKE: ErrorSpikeThresholds = { minErrors: 5, minRate: 0.1, ratio: 3 };

const KEY = 'model-errors';
const HOUR_MS = 3_600_000;

export function decideErrorSpike(calls: readonly HourlyCalls[], open: OpenEvents, now: Date, thresholds: ErrorSpikeThresholds): Decision[] {
  const current = open.get(KEY);
  // "The last hour": the current hour so far plus the one before it, so it always spans 60 min.
  const recentStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const baselineStart = recentStart - 24 * HOUR_MS;
  let recentRuns = 0;
  let recentErrors = 0;
  let baseRuns = 0;
  let baseErrors = 0;
  for (const { hour, runs, errors } of calls) {
    const at = hour.getTime();
    if (at >= recentStart) {
      recentRuns += runs;
      recentErrors += errors;
    } else if (at >= baselineStart) {
      baseRuns += runs;
      baseErrors += errors;
    }
  }
  const recentRate = recentRuns > 0 ? recentErrors / recentRuns : 0;
  const baselineRate = baseRuns > 0 ? baseErrors / baseRuns : 0;
  const line = Math.max(thresholds.minRate, thresholds.ratio * baselineRate);
  const details = { recentErrors, recentRuns, recentRate: round(recentRate), baselineRate: round(baselineRate) };
  const spiking = recentErrors >= thresholds.minErrors && recentRate >= line;
  if (spiking) {
    if (current) return [{ action: 'keep', key: KEY, details }];
    const summary = `${recentErrors} of ${recentRuns} model calls failed in the last hour (${percent(recentRate)}), usually ${percent(baselineRate)}`;
    return [{ action: 'open', key: KEY, summary, details }];
  }
  if (!current) return [];
  const recovered = recentErrors < thresholds.minErrors || recentRate < line / 2;
  if (!recovered) return [{ action: 'keep', key: KEY, details }];
  return [{ action: 'resolve', key: KEY, summary: `model-call errors back to normal (${percent(recentRate)} in the last hour)`, details }];
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

function round(rate: number): number {
  return Math.round(rate * 10_000) / 10_000;
}
