/**
 * Who sees spend: admins always; viewers unless the workspace turned `dashboard.viewers-see-cost`
 * off. Decided once per request and handed to every view, which then leaves the figures out of
 * what it returns — a renderer cannot show what it was never given.
 */
import type { DashboardRole } from './roles.ts';
import type { Settings } from './settings.ts';

export function seesCost(role: DashboardRole, settings: Settings): boolean {
  return role === 'admin' || settings['dashboard.viewers-see-cost'];
}

const DOLLARS = /\$\s?\d[\d,]*(?:\.\d+)?/g;
const COST_KEY = /usd|cost|spend|drivers/i;

/**
 * An event as someone who may not see cost reads it: amounts in its summary hidden, figures that
 * are money left out. (Cost-drift events still say that spend drifted; only the amounts go.)
 */
export function withoutCost(summary: string, details: Record<string, unknown>): { summary: string; details: Record<string, unknown> } {
  return {
    summary: summary.replace(DOLLARS, '(amount hidden)'),
    details: Object.fromEntries(Object.entries(details).filter(([key]) => !COST_KEY.test(key))),
  };
}
