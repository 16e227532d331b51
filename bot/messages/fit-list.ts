/**
 * A list cut to what a platform can show, never silently: the items that fit, in the order given
 * (so callers put what matters first), and a last line saying how many are hidden and what they
 * are ("…and 36 more healthy instances"). One rule for every platform; each passes its own budget
 * (Slack: characters per section; a terminal: unlimited).
 */
import { itemText, type ListItem } from './message.ts';

export interface ListBudget {
  /** Lines the list may take, the "…and N more" line included. */
  maxLines: number;
  /** Characters of the shown lines joined with line breaks, measured after `render`. */
  maxCharacters: number;
}

export const UNLIMITED: ListBudget = { maxLines: Infinity, maxCharacters: Infinity };

/**
 * The lines to show, each passed through `render` (the platform's bullet and escaping), so the
 * budget is measured on what is actually sent.
 */
export function fitList(items: readonly (string | ListItem)[], budget: ListBudget, render: (text: string) => string = (value) => value): string[] {
  const lines = items.map((item) => render(itemText(item)));
  if (fits(lines, budget)) return lines;
  // Fewest hidden first: drop items from the end until the shown ones and the summary line fit.
  for (let shown = Math.min(lines.length - 1, Math.max(0, budget.maxLines - 1)); shown >= 0; shown--) {
    const kept = [...lines.slice(0, shown), render(hiddenSummary(items.slice(shown)))];
    if (fits(kept, budget)) return kept;
  }
  return [];
}

function fits(lines: readonly string[], budget: ListBudget): boolean {
  if (lines.length > budget.maxLines) return false;
  return lines.reduce((sum, line) => sum + line.length, 0) + Math.max(0, lines.length - 1) <= budget.maxCharacters;
}

/** "…and 36 more healthy instances", or for a mix "…and 38 more: 36 healthy instances, 2 paused instances". */
export function hiddenSummary(hidden: readonly (string | ListItem)[]): string {
  const counts = new Map<string, { one: string; other: string; n: number }>();
  for (const item of hidden) {
    const counted = typeof item === 'string' || !item.counted ? { one: 'item', other: 'items' } : item.counted;
    const entry = counts.get(counted.other) ?? { ...counted, n: 0 };
    entry.n += 1;
    counts.set(counted.other, entry);
  }
  const groups = [...counts.values()];
  if (groups.length === 1) {
    const [only] = groups;
    return `…and ${only!.n} more ${only!.n === 1 ? only!.one : only!.other}`;
  }
  return `…and ${hidden.length} more: ${groups.map((g) => `${g.n} ${g.n === 1 ? g.one : g.other}`).join(', ')}`;
}
