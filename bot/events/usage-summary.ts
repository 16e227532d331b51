/**
 * Sums of settled usage, per instance, for the windows of one evaluation hour: what the usage
 * rules need from the hours before the recent ones (usage-windows.ts), written once so that each
 * tick reads one row and a few recent hourly rows instead of eight days of them.
 *
 * A row is usable while its `late_writes_seen` equals the instance's late-write count: ingest
 * counts every change to a settled hour (usage_late_write), and the sums and the count are read
 * in one statement, so a late write either is in the sums or makes the row unusable, never
 * neither. Unusable rows (and missing ones: a new instance) are simply written again next time,
 * and until then readers sum the hourly rows themselves.
 */
import { setTimeout } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { errorWindows, HOUR_MS, SPEND_WINDOWS, summaryBoundary, windowsEnd } from './usage-windows.ts';
import { sqlArray } from '../storage/sql-array.ts';

/**
 * Instances per statement. Each is a handful of index range scans, about a quarter of a
 * millisecond, so a statement holds its connection for a fraction of a second and ticks running
 * meanwhile are not held up for long.
 */
const CHUNK = 1000;

const spendWindows = Array.from(
  { length: SPEND_WINDOWS },
  (_, day) =>
    `coalesce(sum(cost_usd) filter (where hour >= w.ends_at - interval '${(day + 1) * 24} hours' and hour < w.ends_at - interval '${day * 24} hours'), 0)`,
);

const SUMMARY_STATEMENT = `
with w as (select ?::timestamptz as ends_at, ?::timestamptz as boundary, ?::timestamptz as base_start, ?::timestamptz as computed_at)
insert into usage_summary (instance_id, ends_at, spend, base_runs, base_errors, history_since, late_writes_seen, computed_at)
select x.id, w.ends_at, coalesce(u.spend, '{}'::jsonb), coalesce(u.base_runs, 0), coalesce(u.base_errors, 0),
       (select min(hour) from usage_hourly h where h.instance_id = x.id and h.hour < w.boundary),
       coalesce(l.writes, 0), w.computed_at
  from w
 cross join unnest(?::uuid[]) as x(id)
  join instance i on i.id = x.id
  left join usage_late_write l on l.instance_id = x.id
  left join lateral (
    select jsonb_object_agg(m.model, m.windows) as spend, sum(m.base_runs) as base_runs, sum(m.base_errors) as base_errors
      from (select model,
                   jsonb_build_array(${spendWindows.join(', ')}) as windows,
                   coalesce(sum(runs) filter (where hour >= w.base_start), 0) as base_runs,
                   coalesce(sum(errors) filter (where hour >= w.base_start), 0) as base_errors
              from usage_hourly
             where instance_id = x.id and hour >= w.ends_at - interval '${SPEND_WINDOWS * 24} hours' and hour < w.boundary
             group by model) m
  ) u on true
on conflict (instance_id, ends_at) do update set
  spend = excluded.spend, base_runs = excluded.base_runs, base_errors = excluded.base_errors,
  history_since = excluded.history_since, late_writes_seen = excluded.late_writes_seen, computed_at = excluded.computed_at`;

/**
 * Writes the summary rows for windows ending at `endsAt` that are missing or out of date, and
 * returns how many it wrote; if it stopped early, the next run finds the rest. `endsAt` may be
 * the next hour's: its summary covers settled hours only.
 */
export async function summarizeUsage(
  em: EntityManager,
  endsAt: Date,
  now: Date,
  {
    chunk = CHUNK,
    afterChunk = async () => true,
  }: {
    /** Instances per statement. */
    chunk?: number;
    /** Between chunks, told how long the last one took; answers whether to go on. */
    afterChunk?: (chunkMs: number) => Promise<boolean>;
  } = {},
): Promise<number> {
  const due = await em.execute<{ id: string }[]>(
    `select i.id from instance i
      where not exists (select 1 from usage_summary s left join usage_late_write l on l.instance_id = s.instance_id
                         where s.instance_id = i.id and s.ends_at = ? and s.late_writes_seen = coalesce(l.writes, 0))
      order by i.id`,
    [endsAt],
  );
  const { baselineStart } = errorWindows(endsAt);
  let written = 0;
  for (let start = 0; start < due.length; start += chunk) {
    const ids = sqlArray(due.slice(start, start + chunk).map((row) => row.id));
    const started = performance.now();
    await em.execute(SUMMARY_STATEMENT, [endsAt, summaryBoundary(endsAt), baselineStart, now, ids]);
    written += Math.min(chunk, due.length - start);
    if (start + chunk < due.length && !(await afterChunk(performance.now() - started))) break;
  }
  return written;
}

/** Rows for hours already past serve no one. */
export async function dropSummariesBefore(em: EntityManager, endsAt: Date): Promise<void> {
  await em.execute('delete from usage_summary where ends_at < ?', [endsAt]);
}

/**
 * Every ten minutes, on one leader: the summaries for this hour (on a fresh start, for new
 * instances, after late writes) and for the next one, so that it is ready when the hour turns.
 * In a steady fleet the next hour's rows are written by the first run of each hour, and the other
 * runs only find the few instances a late write touched. The pass rests after each chunk as long
 * as the chunk took: it never holds more than half a core, and ticks keep their pace meanwhile.
 */
export function usageSummaryJob(orm: Orm, onWritten: (written: { endsAt: Date; instances: number; ms: number }) => void): ScheduledJob {
  return {
    name: 'summarize-usage',
    schedule: '*/10 * * * *',
    runsOn: 'one-worker',
    async run(now, stopping = new AbortController().signal) {
      const em = orm.em.fork();
      const current = windowsEnd(now);
      await dropSummariesBefore(em, current);
      const rest = async (chunkMs: number) => {
        await setTimeout(chunkMs, undefined, { signal: stopping }).catch(() => {});
        return !stopping.aborted;
      };
      for (const endsAt of [current, new Date(current.getTime() + HOUR_MS)]) {
        if (stopping.aborted) break;
        const started = performance.now();
        const instances = await summarizeUsage(em, endsAt, now, { afterChunk: rest });
        if (instances > 0) onWritten({ endsAt, instances, ms: Math.round(performance.now() - started) });
      }
    },
  };
}
