/**
 * A workspace's time zone (`deepclaw workspace set timezone Europe/Berlin`, default UTC): where its
 * months start for budgets and when its digests are due. Stored as the workspace setting
 * `timezone`; validated against the zones this runtime knows (IANA names, as `Intl` takes them).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { InvalidInputError } from '../errors.ts';
import type { Workspace } from '../storage/entities/index.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { didYouMean } from '../suggest.ts';

export const DEFAULT_TIME_ZONE = 'UTC';
const SETTING = 'timezone';

/** The zone's canonical spelling, or a specific error naming the closest known zones. */
export function parseTimeZone(text: string): string {
  const trimmed = text.trim();
  try {
    // Throws a RangeError for an unknown zone; resolves case and aliases ("europe/berlin").
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    const known = [...Intl.supportedValuesOf('timeZone'), DEFAULT_TIME_ZONE];
    throw new InvalidInputError('unknown_time_zone', `"${trimmed.slice(0, 60)}" is not a time zone.${didYouMean(trimmed, known)} Use an IANA name such as Europe/Berlin, America/New_York or UTC.`);
  }
}

export async function workspaceTimeZone(em: EntityManager, workspaceId: string): Promise<string> {
  const [row] = await em.execute<{ value: unknown }[]>(`select value from workspace_setting where workspace_id = ? and name = ?`, [workspaceId, SETTING]);
  return typeof row?.value === 'string' ? row.value : DEFAULT_TIME_ZONE;
}

export async function setWorkspaceTimeZone(em: EntityManager, input: { workspace: Workspace; timeZone: string; actor: Actor; now: Date }): Promise<string> {
  const timeZone = parseTimeZone(input.timeZone);
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into workspace_setting (workspace_id, name, value, updated_at, updated_by) values (?, ?, ?::jsonb, ?, ?)
       on conflict (workspace_id, name) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [input.workspace.id, SETTING, JSON.stringify(timeZone), input.now, input.actor.id],
    );
    recordAudit(tx, { action: 'setting.changed', actor: input.actor, workspace: input.workspace, subject: SETTING, at: input.now, details: { value: timeZone } });
  });
  return timeZone;
}

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock date and time at `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), weekday: WEEKDAYS.indexOf(parts.weekday!) };
}

/**
 * The instant the wall clock in `timeZone` reads the given date and time. A time skipped by a
 * daylight-saving jump maps to the instant after the jump; a repeated one to its first occurrence.
 */
export function zonedInstant(timeZone: string, wall: { year: number; month: number; day: number; hour?: number; minute?: number }): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0);
  const offsetAt = (instant: number) => {
    const seen = localDate(new Date(instant), timeZone);
    return Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - instant;
  };
  // The offsets on either side of a transition near the wanted time give two candidates.
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  const shows = (instant: number) => offsetAt(instant) + instant === asUtc;
  const matching = [first, second].filter(shows);
  // Repeated (clocks went back): the earlier. Skipped (clocks went forward): the later, past the jump.
  return new Date(matching.length > 0 ? Math.min(...matching) : Math.max(first, second));
}

/** Where the month containing `at` starts and ends (exclusive) in `timeZone`. */
export function monthAround(at: Date, timeZone: string): { start: Date; end: Date } {
  const { year, month } = localDate(at, timeZone);
  return { start: zonedInstant(timeZone, { year, month, day: 1 }), end: zonedInstant(timeZone, month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 }) };
}

/** Each instance's workspace time zone, in one query for a batch (default UTC where none is set). */
export async function instanceTimeZones(em: EntityManager, instanceIds: readonly string[]): Promise<Map<string, string>> {
  if (instanceIds.length === 0) return new Map();
  const rows = await em.execute<{ id: string; value: unknown }[]>(
    `select i.id, s.value from instance i left join workspace_setting s on s.workspace_id = i.workspace_id and s.name = ?
      where i.id = any(?::uuid[])`,
    [SETTING, sqlArray(instanceIds)],
  );
  return new Map(rows.map((row) => [row.id, typeof row.value === 'string' ? row.value : DEFAULT_TIME_ZONE]));
}
