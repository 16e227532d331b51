/**
 * The thresholds the per-instance rules take, and their defaults. Its own module so both the
 * evaluator and the overrides (`thresholds.ts`) can depend on it without depending on each other.
 */
import type { BudgetThresholds } from './rules/budget.ts';
import { DEFAULT_COST_DRIFT, type CostDriftThresholds } from './rules/cost-drift.ts';
import type { CronMissedThresholds } from './rules/cron-missed.ts';
import { DEFAULT_ERROR_SPIKE, type ErrorSpikeThresholds } from './rules/error-spike.ts';

export interface InstanceThresholds {
  costDrift: CostDriftThresholds;
  errorSpike: ErrorSpikeThresholds;
  cronMissed: CronMissedThresholds;
  budget: BudgetThresholds;
}

export const DEFAULT_INSTANCE_THRESHOLDS: InstanceThresholds = { costDrift: DEFAULT_COST_DRIFT, errorSpike: DEFAULT_ERROR_SPIKE, cronMissed: {}, budget: {} };
