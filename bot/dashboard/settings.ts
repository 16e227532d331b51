/**
 * Workspace settings, each with its default in one place. The one so far:
 * `dashboard.viewers-see-cost` (default on) — when off, viewers of the dashboard see states and
 * events but no spend figure anywhere, exports included.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { InvalidInputError } from '../errors.ts';
import type { Workspace } from '../storage/entities/index.ts';
import { didYouMean } from '../suggest.ts';

export const SETTINGS = {
  'dashboard.viewers-see-cost': { default: true, summary: 'viewers of the dashboard see spend figures (admins always do)' },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: boolean };

const NAMES = Object.keys(SETTINGS) as SettingName[];

export async function workspaceSettings(em: EntityManager, workspace: Workspace): Promise<Settings> {
  const rows = await em.execute<{ name: string; value: unknown }[]>('select name, value from workspace_setting where workspace_id = ?', [workspace.id]);
  const settings = Object.fromEntries(NAMES.map((name) => [name, SETTINGS[name].default])) as Settings;
  for (const row of rows) if ((NAMES as string[]).includes(row.name) && typeof row.value === 'boolean') settings[row.name as SettingName] = row.value;
  return settings;
}

/** `on|off|true|false|yes|no` → boolean; anything else says what it takes. */
export function parseSettingValue(name: string, text: string): { name: SettingName; value: boolean } {
  if (!(NAMES as string[]).includes(name)) {
    throw new InvalidInputError('unknown_setting', `"${name.slice(0, 60)}" is not a setting.${didYouMean(name, NAMES)} Settings: ${NAMES.join(', ')}.`);
  }
  const lowered = text.toLowerCase();
  if (['on', 'true', 'yes'].includes(lowered)) return { name: name as SettingName, value: true };
  if (['off', 'false', 'no'].includes(lowered)) return { name: name as SettingName, value: false };
  throw new InvalidInputError('bad_setting_value', `${name} is on or off (got "${text.slice(0, 40)}").`);
}

export async function setWorkspaceSetting(em: EntityManager, input: { workspace: Workspace; name: SettingName; value: boolean; actor: Actor; now: Date }): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into workspace_setting (workspace_id, name, value, updated_at, updated_by) values (?, ?, ?::jsonb, ?, ?)
       on conflict (workspace_id, name) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [input.workspace.id, input.name, JSON.stringify(input.value), input.now, input.actor.id],
    );
    recordAudit(tx, { action: 'setting.changed', actor: input.actor, workspace: input.workspace, subject: input.name, at: input.now, details: { value: input.value } });
  });
}
