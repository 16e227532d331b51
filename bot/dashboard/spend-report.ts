/**
 * Spend over a range of days: per instance, day and model for exports (CSV/JSON, in the session's
 * workspace), and the aggregate a share link shows (per day and per model; per instance only
 * when the admin ticked it in).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workspace } from '../storage/entities/index.ts';
import { day, rangeDays, rangeEnd, type DayRange } from './day-range.ts';
import type { ShareInclude } from './share-links.ts';

export interface SpendRow {
  day: string;
  instance: string;
  model: string;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  errors: number;
}

/** Every (day, instance, model) with usage in the range, ordered by day, instance, model. */
export async function spendRows(em: EntityManager, input: { workspace: Workspace; range: DayRange }): Promise<SpendRow[]> {
  const rows = await em.execute<{ day: string; instance: string; model: string; runs: string; input_tokens: string; output_tokens: string; usd: number; errors: string }[]>(
    `select to_char(date_trunc('day', u.hour, 'UTC'), 'YYYY-MM-DD') as day, i.name as instance, u.model,
            sum(u.runs)::text as runs, sum(u.input_tokens)::text as input_tokens, sum(u.output_tokens)::text as output_tokens,
            sum(u.cost_usd)::float8 as usd, sum(u.errors)::text as errors
       from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ?
      group by 1, 2, 3 order by 1, 2, 3`,
    [input.workspace.id, input.range.from, rangeEnd(input.range)],
  );
  return rows.map((r) => ({
    day: r.day,
    instance: r.instance,
    model: r.model,
    runs: Number(r.runs),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: Math.round(Number(r.usd) * 1e6) / 1e6,
    errors: Number(r.errors),
  }));
}

export interface SpendAggregate {
  range: { from: string; to: string; days: number };
  totalUsd: number;
  /** Every day of the range, oldest first. */
  byDay: { day: string; usd: number }[];
  byModel: { model: string; usd: number; runs: number }[];
  /** Only when ticked in. */
  byInstance?: { instance: string; usd: number; openclawVersion?: string; agentVersion?: string }[];
  /** Only when ticked in: each instance's cron jobs, with their health now. */
  cron?: { instance: string; job: string; status: string }[];
}

export async function spendAggregate(em: EntityManager, input: { workspace: Workspace; range: DayRange; includes: readonly ShareInclude[] }): Promise<SpendAggregate> {
  const { workspace, range } = input;
  const scope = [workspace.id, range.from, rangeEnd(range)];
  const [perDay, perModel] = await Promise.all([
    em.execute<{ day: string; usd: number }[]>(
      `select to_char(date_trunc('day', u.hour, 'UTC'), 'YYYY-MM-DD') as day, sum(u.cost_usd)::float8 as usd
         from usage_hourly u join instance i on i.id = u.instance_id where i.workspace_id = ? and u.hour >= ? and u.hour < ? group by 1`,
      scope,
    ),
    em.execute<{ model: string; usd: number; runs: string }[]>(
      `select u.model, sum(u.cost_usd)::float8 as usd, sum(u.runs)::text as runs
         from usage_hourly u join instance i on i.id = u.instance_id where i.workspace_id = ? and u.hour >= ? and u.hour < ? group by 1 order by 2 desc, 1`,
      scope,
    ),
  ]);
  const days = rangeDays(range);
  const byDayMap = new Map(perDay.map((r) => [r.day, Number(r.usd)]));
  const byDay = Array.from({ length: days }, (_, i) => {
    const d = day(new Date(range.from.getTime() + i * 86_400_000));
    return { day: d, usd: round(byDayMap.get(d) ?? 0) };
  });
  const report: SpendAggregate = {
    range: { from: day(range.from), to: day(range.to), days },
    totalUsd: round(byDay.reduce((s, d) => s + d.usd, 0)),
    byDay,
    byModel: perModel.map((m) => ({ model: m.model, usd: round(Number(m.usd)), runs: Number(m.runs) })),
  };
  if (input.includes.includes('instances') || input.includes.includes('versions')) {
    const rows = await em.execute<{ name: string; usd: number | null; agent_version: string | null; openclaw_version: string | null }[]>(
      `select i.name, (select sum(u.cost_usd)::float8 from usage_hourly u where u.instance_id = i.id and u.hour >= ? and u.hour < ?) as usd,
              s.agent_version, s.gateway->>'version' as openclaw_version
         from instance i left join instance_state s on s.instance_id = i.id where i.workspace_id = ? order by i.name`,
      [range.from, rangeEnd(range), workspace.id],
    );
    report.byInstance = rows.map((r, index) => ({
      // Versions alone, without names, would still say which releases run; names are their own tick.
      instance: input.includes.includes('instances') ? r.name : `instance ${index + 1}`,
      usd: round(Number(r.usd ?? 0)),
      ...(input.includes.includes('versions') ? { openclawVersion: r.openclaw_version ?? undefined, agentVersion: r.agent_version ?? undefined } : {}),
    }));
  }
  if (input.includes.includes('cron')) {
    const jobs = await em.execute<{ instance: string; name: string; last_status: string | null; auto_disabled: boolean }[]>(
      `select i.name as instance, j.name, j.last_status, j.auto_disabled from cron_job j join instance i on i.id = j.instance_id
        where i.workspace_id = ? order by i.name, j.name`,
      [workspace.id],
    );
    report.cron = jobs.map((j) => ({
      instance: input.includes.includes('instances') ? j.instance : '',
      job: j.name,
      status: j.auto_disabled ? 'auto-disabled' : (j.last_status ?? 'not run yet'),
    }));
  }
  return report;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
