/**
 * A channel's daily (or weekly) digest as one platform-neutral Message. Pure: the facts a period
 * gathered (bot/digests/digest-facts.ts) in, the message out, so the wording is tested with given
 * figures and no database. Long parts are lists, which every renderer fits to its platform's
 * limits with a visible "…and N more" (fit-list.ts); what matters most comes first in each.
 */
import type { EventKind } from '../events/decision.ts';
import { dollars, humanDuration } from '../human-format.ts';
import { localDate } from '../workspaces/time-zone.ts';
import { alertKindSeverity, alertKindTitle } from './alert-message.ts';
import { list, note, text, type ListItem, type Message, type MessageBlock } from './message.ts';

export interface DigestInstance {
  name: string;
  spendUsd: number;
  /** The median spend of the same window over the previous periods; null with no history. */
  usualUsd: number | null;
  /** Spend from the start of the month (workspace time) to the end of the period. */
  monthToDateUsd: number;
  cron: { ok: number; failed: number; missed: number };
}

export interface DigestEvent {
  instanceName: string;
  kind: EventKind;
  openedAt: Date;
  resolvedAt: Date | null;
}

/** Per instance name: its month-to-date spend and its monthly budget (budgets land separately). */
export type DigestBudgets = ReadonlyMap<string, { monthToDateUsd: number; budgetUsd: number }>;

export interface DigestFacts {
  workspaceName: string;
  timeZone: string;
  cadence: 'daily' | 'weekly';
  /** The covered span, [from, to), local midnights. */
  from: Date;
  to: Date;
  instances: DigestInstance[];
  /** Spend of the period by model, across the workspace, most first. */
  topModels: { model: string; spendUsd: number }[];
  /** Events opened in the period, and events opened earlier that resolved in it. */
  events: DigestEvent[];
  /** Instances not syncing as the digest is gathered, with their last sync (null: none stored). */
  notSyncing: { name: string; lastSeenAt: Date | null }[];
  /** When the digest is gathered: "last sync 3 h ago" is counted from here. */
  now: Date;
  budgets?: DigestBudgets;
}

/** Spend over the usual by this much (and $1) counts as something to say. */
const NOTABLE_SPEND_RATIO = 1.5;
const NOTABLE_SPEND_USD = 1;
const TOP_MODELS = 3;

/**
 * Whether a period has nothing to say: no event opened or resolved, no cron job failed or missed,
 * every instance syncing, no spend well over its usual. Spend as usual is not news, so a healthy
 * day is quiet (and skipped where the channel asked for `--skip-quiet`).
 */
export function isQuietDigest(facts: DigestFacts): boolean {
  return (
    facts.events.length === 0 &&
    facts.notSyncing.length === 0 &&
    facts.instances.every((i) => i.cron.failed === 0 && i.cron.missed === 0 && !isSpendNotable(i))
  );
}

/** Well over its usual; an instance with no usual yet has nothing to be over. */
function isSpendNotable(instance: DigestInstance): boolean {
  if (instance.usualUsd === null) return false;
  const usual = instance.usualUsd;
  return instance.spendUsd > usual * NOTABLE_SPEND_RATIO && instance.spendUsd - usual > NOTABLE_SPEND_USD;
}

export function digestMessage(facts: DigestFacts): Message {
  const blocks: MessageBlock[] = [text(headline(facts))];
  const spenders = [...facts.instances].sort((a, b) => b.spendUsd - a.spendUsd || a.name.localeCompare(b.name));
  if (spenders.length > 0) {
    blocks.push(text(facts.cadence === 'weekly' ? 'Spend per instance, against its usual week:' : 'Spend per instance, against its usual day:'));
    blocks.push(list(spenders.map((instance): ListItem => ({ text: spendLine(instance, facts.budgets?.get(instance.name)), counted: { one: 'instance', other: 'instances' } }))));
  }
  if (facts.topModels.length > 0) {
    blocks.push(text(`Top models: ${facts.topModels.slice(0, TOP_MODELS).map((m) => `${m.model} ${dollars(m.spendUsd)}`).join(', ')}`));
  }
  const cron = facts.instances.reduce((sum, i) => ({ ok: sum.ok + i.cron.ok, failed: sum.failed + i.cron.failed, missed: sum.missed + i.cron.missed }), { ok: 0, failed: 0, missed: 0 });
  if (cron.ok + cron.failed + cron.missed > 0) {
    blocks.push(text(`Cron jobs: ${cron.ok} ran ok, ${cron.failed} failed, ${cron.missed} missed`));
    const troubled = facts.instances.filter((i) => i.cron.failed + i.cron.missed > 0);
    if (troubled.length > 0) blocks.push(list(troubled.map((i) => ({ text: `${i.name}: ${i.cron.failed} failed, ${i.cron.missed} missed`, counted: { one: 'instance', other: 'instances' } }))));
  }
  if (facts.events.length > 0) {
    const opened = facts.events.filter((e) => e.openedAt >= facts.from).length;
    const resolved = facts.events.filter((e) => e.resolvedAt !== null).length;
    blocks.push(text(`Events: ${opened} opened, ${resolved} resolved`));
    blocks.push(list(orderEvents(facts.events).map((event) => ({ text: eventLine(event, facts), counted: { one: 'event', other: 'events' } }))));
  }
  if (facts.notSyncing.length > 0) {
    blocks.push(text(`Not syncing now:`));
    blocks.push(
      list(
        facts.notSyncing.map((i) => ({
          text: `${i.name}: ${i.lastSeenAt ? `last sync ${humanDuration(facts.now.getTime() - i.lastSeenAt.getTime())} ago` : 'no snapshot stored'}`,
          counted: { one: 'instance', other: 'instances' },
        })),
      ),
    );
  }
  blocks.push(note(`Times in ${facts.timeZone}. /deepclaw digest off stops this digest.`));
  return {
    title: `🗞️ ${facts.cadence === 'weekly' ? 'Weekly' : 'Daily'} digest of workspace "${facts.workspaceName}": ${periodLabel(facts)}`,
    severity: 'info',
    blocks,
    actions: [],
  };
}

function headline(facts: DigestFacts): string {
  const spend = facts.instances.reduce((sum, i) => sum + i.spendUsd, 0);
  const usual = facts.instances.reduce((sum, i) => sum + (i.usualUsd ?? 0), 0);
  const spent = `Spent ${dollars(spend)} (usual ${dollars(usual)}).`;
  if (isQuietDigest(facts)) return `All quiet: no events, every instance syncing. ${spent}`;
  const parts = [spent];
  if (facts.events.length > 0) parts.push(`${facts.events.length} event${facts.events.length === 1 ? '' : 's'}.`);
  if (facts.notSyncing.length > 0) parts.push(`${facts.notSyncing.length} instance${facts.notSyncing.length === 1 ? '' : 's'} not syncing.`);
  return parts.join(' ');
}

function spendLine(instance: DigestInstance, budget: { monthToDateUsd: number; budgetUsd: number } | undefined): string {
  const usual =
    instance.usualUsd === null
      ? 'no usual yet'
      : instance.usualUsd > 0
        ? `usual ${dollars(instance.usualUsd)}, ${signedPercent(instance.spendUsd / instance.usualUsd - 1)}`
        : `usual ${dollars(0)}`;
  const month = budget
    ? `month to date ${dollars(budget.monthToDateUsd)} of ${dollars(budget.budgetUsd)} budget${budget.budgetUsd > 0 ? ` (${Math.round((budget.monthToDateUsd / budget.budgetUsd) * 100)}%)` : ''}`
    : `month to date ${dollars(instance.monthToDateUsd)}`;
  return `${isSpendNotable(instance) ? '⚠️ ' : ''}${instance.name}: ${dollars(instance.spendUsd)} (${usual}); ${month}`;
}

function signedPercent(ratio: number): string {
  const percent = Math.round(ratio * 100);
  return percent >= 0 ? `+${percent}%` : `${percent}%`;
}

/** Still open first (they may need someone), then critical before warning, then by time. */
function orderEvents(events: readonly DigestEvent[]): DigestEvent[] {
  const rank = (e: DigestEvent) => (e.resolvedAt === null ? 0 : 2) + (alertKindSeverity(e.kind) === 'critical' ? 0 : 1);
  return [...events].sort((a, b) => rank(a) - rank(b) || a.openedAt.getTime() - b.openedAt.getTime());
}

function eventLine(event: DigestEvent, facts: DigestFacts): string {
  const icon = alertKindSeverity(event.kind) === 'critical' ? '🔴' : '🟠';
  const opened = event.openedAt < facts.from ? `opened ${localLabel(event.openedAt, facts.timeZone, true)}` : `opened ${localLabel(event.openedAt, facts.timeZone, facts.cadence === 'weekly')}`;
  const outcome = event.resolvedAt ? `resolved after ${humanDuration(event.resolvedAt.getTime() - event.openedAt.getTime())}` : `still open (${humanDuration(facts.now.getTime() - event.openedAt.getTime())})`;
  return `${event.resolvedAt ? '✅' : icon} ${event.instanceName}: ${alertKindTitle(event.kind)}, ${opened}, ${outcome}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "14:05", or "Tue 1 Dec 14:05" with the day. */
function localLabel(at: Date, timeZone: string, withDay: boolean): string {
  const local = localDate(at, timeZone);
  const time = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  return withDay ? `${WEEKDAYS[local.weekday]} ${local.day} ${MONTHS[local.month - 1]} ${time}` : time;
}

/** "Wed 2 Dec 2026", or "Thu 26 Nov – Wed 2 Dec 2026" for a week. */
function periodLabel(facts: DigestFacts): string {
  // The last covered day is the one before `to`'s midnight.
  const last = localDate(new Date(facts.to.getTime() - 1), facts.timeZone);
  const lastLabel = `${WEEKDAYS[last.weekday]} ${last.day} ${MONTHS[last.month - 1]} ${last.year}`;
  if (facts.cadence === 'daily') return lastLabel;
  const first = localDate(facts.from, facts.timeZone);
  return `${WEEKDAYS[first.weekday]} ${first.day} ${MONTHS[first.month - 1]} – ${lastLabel}`;
}
