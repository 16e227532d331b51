/**
 * What the story did, read back from the database the service wrote: the events opened and
 * resolved since the story began, the grouped stale alert, and the messages sent per platform —
 * checked against the script so the summary can say plainly whether everything happened.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { humanDuration } from '../human-format.ts';
import { sqlArray } from '../storage/sql-array.ts';
import type { DemoStory, ScriptedEvent } from './story.ts';

export interface EventRow {
  instance: string;
  kind: string;
  openedAt: Date;
  resolvedAt: Date | null;
  grouped: boolean;
}

export interface StoryOutcome {
  events: EventRow[];
  /** Messages sent since the story began, by platform (console, slack, …). */
  messagesSent: Map<string, number>;
}

export async function readStoryOutcome(em: EntityManager, names: readonly string[], since: Date): Promise<StoryOutcome> {
  const events = await em.execute<{ name: string; kind: string; opened_at: Date; resolved_at: Date | null; group_id: string | null }[]>(
    `select i.name, e.kind, e.opened_at, e.resolved_at, e.group_id
       from event e join instance i on i.id = e.instance_id
      where i.name = any(?::text[]) and e.opened_at >= ?
      order by e.opened_at, i.name`,
    [sqlArray(names), since],
  );
  const sent = await em.execute<{ platform: string; sent: string }[]>(
    `select s.platform, count(*) as sent from notification n join subscription s on s.id = n.subscription_id
      where n.state = 'sent' and n.created_at >= ? group by s.platform order by s.platform`,
    [since],
  );
  return {
    events: events.map((row) => ({
      instance: row.name,
      kind: row.kind,
      openedAt: new Date(row.opened_at),
      resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
      grouped: row.group_id !== null,
    })),
    messagesSent: new Map(sent.map((row) => [row.platform, Number(row.sent)])),
  };
}

export interface StoryVerdict {
  /** Scripted events that never opened, or opened but did not resolve as scripted. */
  missing: { expected: ScriptedEvent; problem: 'never opened' | 'did not resolve' }[];
  lines: string[];
}

/** The summary printed once the story has played. */
export function judgeStory(story: DemoStory, outcome: StoryOutcome, startedAt: Date): StoryVerdict {
  const lines: string[] = [];
  const missing: StoryVerdict['missing'] = [];
  const opened = outcome.events.length;
  const resolved = outcome.events.filter((event) => event.resolvedAt).length;
  const sent = [...outcome.messagesSent].map(([platform, count]) => `${count} to ${platform}`).join(', ') || 'none';
  lines.push(`Story played: ${opened} events opened, ${resolved} resolved; messages sent: ${sent}.`);
  for (const expected of story.expected) {
    const matches = outcome.events.filter((event) => event.instance === expected.instance && event.kind === expected.kind);
    const event = matches.find((candidate) => !expected.resolves || candidate.resolvedAt) ?? matches[0];
    const label = `${expected.instance.padEnd(15)} ${expected.kind.padEnd(13)}`;
    if (!event) {
      missing.push({ expected, problem: 'never opened' });
      lines.push(`  ✗ ${label} never opened (expected: ${expected.because})`);
      continue;
    }
    const at = `opened at +${secondsAfter(startedAt, event.openedAt)} s${event.grouped ? ' in a grouped alert' : ''}`;
    if (expected.resolves && !event.resolvedAt) {
      missing.push({ expected, problem: 'did not resolve' });
      lines.push(`  ✗ ${label} ${at}, but did not resolve (expected: ${expected.because})`);
      continue;
    }
    const after = event.resolvedAt ? `, resolved after ${humanDuration(event.resolvedAt.getTime() - event.openedAt.getTime())}` : ', still open (it settles over hours)';
    lines.push(`  ✓ ${label} ${at}${after} — ${expected.because}`);
  }
  lines.push(missing.length === 0 ? 'Every scripted event happened.' : `${missing.length} scripted event(s) did not happen as scripted.`);
  return { missing, lines };
}

function secondsAfter(start: Date, at: Date): number {
  return Math.max(0, Math.round((at.getTime() - start.getTime()) / 1000));
}
