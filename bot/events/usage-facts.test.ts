import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { minutesAfter } from '../../test/support/personas.ts';
import { buildSnapshot, type SnapshotShape } from '../../test/support/snapshot-factory.ts';
import { costFigures, decideCostDrift, DEFAULT_COST_DRIFT, type HourlySpend } from './rules/cost-drift.ts';
import { decideErrorSpike, DEFAULT_ERROR_SPIKE, type HourlyCalls } from './rules/error-spike.ts';
import { loadUsageFacts, type UsageFacts } from './usage-facts.ts';
import { summarizeUsage, usageSummaryJob } from './usage-summary.ts';
import { HOUR_MS, windowsEnd } from './usage-windows.ts';

interface UsageRow {
  hoursAgo: number;
  model: string;
  costUsd: number;
  runs: number;
  errors: number;
}

const usageRows = fc.uniqueArray(
  fc.record({
    hoursAgo: fc.integer({ min: 0, max: 24 * 10 }),
    model: fc.constantFrom('anthropic/claude-opus-4-6', 'openai/gpt-5', 'google/gemini-3'),
    costUsd: fc.double({ min: 0, max: 40, noNaN: true }).map((v) => Math.round(v * 100) / 100),
    runs: fc.integer({ min: 0, max: 200 }),
    errors: fc.integer({ min: 0, max: 60 }),
  }),
  { selector: (row) => `${row.hoursAgo} ${row.model}`, maxLength: 120 },
);

describeStorage('usage facts for the cost and error rules', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const em = () => db().database.orm.em.fork();
  let counter = 0;

  async function addInstance(): Promise<{ id: string; token: string }> {
    const name = `usage-${++counter}`;
    const { token } = (await cli(['instance', 'add', name, '--json'], { env: { DATABASE_URL: db().url } })).json();
    const [instance] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    return { id: instance!.id, token };
  }
  const usageOf = async (id: string, now: Date) => (await loadUsageFacts(em(), [id], now)).get(id)!;
  const usableSummaries = async (id: string) =>
    (
      await sql<{ ends_at: string }>(
        `select s.ends_at from usage_summary s left join usage_late_write l on l.instance_id = s.instance_id
          where s.instance_id = ? and s.late_writes_seen = coalesce(l.writes, 0) order by s.ends_at`,
        [id],
      )
    ).map((row) => new Date(row.ends_at).toISOString());

  /** What the rules conclude from some facts: figures and decisions, rounded as events store them. */
  function conclusions(facts: UsageFacts, now: Date) {
    const figures = costFigures({ spend: facts.spend, historySince: facts.historySince }, now, 1);
    const thresholds = { ...DEFAULT_COST_DRIFT, minBaselineDays: 1, absoluteUsd: 1 };
    return {
      historySince: facts.historySince,
      trailingUsd: figures?.trailingUsd.toFixed(6),
      baselineUsd: figures?.baselineUsd.toFixed(6),
      // Drivers with equal growth may come in either order; three models never exceed the top three.
      drivers: figures?.drivers.map((d) => `${d.model} ${d.deltaUsd.toFixed(6)}`).sort(),
      cost: decideCostDrift({ spend: facts.spend, historySince: facts.historySince }, new Map(), now, thresholds).map((d) => d.action),
      errors: decideErrorSpike(facts.calls, new Map(), now, DEFAULT_ERROR_SPIKE),
    };
  }

  it('summed by window, from a summary or without one, give the rules the same answers as the hourly rows', async () => {
    await fc.assert(
      fc.asyncProperty(usageRows, fc.integer({ min: 0, max: HOUR_MS - 1 }), async (rows: UsageRow[], intoHour) => {
        const { id } = await addInstance();
        const now = new Date(Date.UTC(2026, 10, 21, 12) + intoHour);
        const hourOf = (hoursAgo: number) => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - hoursAgo * HOUR_MS);
        for (const row of rows) {
          await sql(
            `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
             values (?, ?, ?, ?, 0, 0, 0, 0, ?, ?, 0, now())`,
            [id, hourOf(row.hoursAgo), row.model, row.runs, row.costUsd, Math.min(row.errors, row.runs)],
          );
        }
        const hourly: UsageFacts = {
          spend: rows.map((row): HourlySpend => ({ hour: hourOf(row.hoursAgo), model: row.model, costUsd: row.costUsd })),
          calls: rows.map((row): HourlyCalls => ({ hour: hourOf(row.hoursAgo), runs: row.runs, errors: Math.min(row.errors, row.runs) })),
          historySince: rows.length > 0 ? hourOf(Math.max(...rows.map((r) => r.hoursAgo))) : undefined,
        };
        const expected = conclusions(hourly, now);

        expect(await usableSummaries(id)).toEqual([]);
        expect(conclusions(await usageOf(id, now), now)).toEqual(expected);
        // Written during the hour before, as the job does, and read in this one.
        expect(await summarizeUsage(em(), windowsEnd(now), new Date(now.getTime() - HOUR_MS))).toBe(1);
        expect(await usableSummaries(id)).toEqual([windowsEnd(now).toISOString()]);
        expect(conclusions(await usageOf(id, now), now)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  describe('with snapshots arriving through ingest', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(db(), { rateLimitBurst: 1000 });
    });
    afterAll(() => app.close());
    let seq = 0;
    async function sync(token: string, at: Date, shape: SnapshotShape): Promise<void> {
      app.setNow(at);
      const response = await fetch(`${app.base}/v1/snapshots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(buildSnapshot({ ...shape, seq: ++seq, sentAt: at })),
      });
      expect(response.status).toBe(202);
    }
    const lateWrites = async (id: string) => (await sql<{ writes: number }>('select writes from usage_late_write where instance_id = ?', [id]))[0]?.writes ?? 0;
    /** The same facts read again with the summaries out of the way: the hourly rows' answer. */
    async function withoutSummaries(id: string, now: Date): Promise<UsageFacts> {
      await sql('delete from usage_summary where instance_id = ?', [id]);
      return usageOf(id, now);
    }

    it('a snapshot changing an hour that is already summed makes the summary unusable until it is written again', async () => {
      const { id, token } = await addInstance();
      const now = new Date('2026-11-21T12:40:00Z');
      await sync(token, now, { hours: 48 });
      await summarizeUsage(em(), windowsEnd(now), now);
      const before = conclusions(await usageOf(id, now), now);
      const lateBefore = await lateWrites(id);

      // The agent lost its state and reread its logs: every hour of the last two days grew.
      await sync(token, now, { hours: 48, growth: 2 });
      expect(await lateWrites(id)).toBe(lateBefore + 1);
      expect(await usableSummaries(id)).toEqual([]);
      const after = conclusions(await usageOf(id, now), now);
      expect(Number(after.trailingUsd)).toBeCloseTo(2 * Number(before.trailingUsd), 6);

      // The job's next run writes it again, and it says the same as the hourly rows.
      expect(await summarizeUsage(em(), windowsEnd(now), minutesAfter(now, 10))).toBe(1);
      expect(await usableSummaries(id)).toEqual([windowsEnd(now).toISOString()]);
      expect(conclusions(await usageOf(id, now), now)).toEqual(after);
    });

    it('a steady agent completing the current and the previous hour writes nothing late', async () => {
      const { id, token } = await addInstance();
      const now = new Date('2026-11-21T12:40:00Z');
      await sync(token, now, { hours: 48 });
      const lateBefore = await lateWrites(id);
      await summarizeUsage(em(), windowsEnd(now), now);
      // Written during 12:00–13:00 for the windows of 13:00–14:00, then the hour turns.
      const nextHour = new Date(windowsEnd(now).getTime() + HOUR_MS);
      await summarizeUsage(em(), nextHour, now);
      // The first snapshot after 13:00 brings 12:00's final figures, and 13:00's first ones.
      const later = new Date('2026-11-21T13:05:00Z');
      await sync(token, later, { hours: 2, growth: 1.5 });
      expect(await lateWrites(id)).toBe(lateBefore);
      expect(await usableSummaries(id)).toEqual([windowsEnd(now).toISOString(), nextHour.toISOString()]);
      const fromSummary = conclusions(await usageOf(id, later), later);
      expect(fromSummary).toEqual(conclusions(await withoutSummaries(id, later), later));
    });
  });

  it('the hourly job writes this hour and the next for every instance, drops past hours, and then only what changed', async () => {
    const { id } = await addInstance();
    const now = new Date('2026-11-21T15:20:00Z');
    const written: { endsAt: Date; instances: number }[] = [];
    const job = usageSummaryJob(db().database.orm, ({ endsAt, instances }) => written.push({ endsAt, instances }));
    await sql(
      `insert into usage_summary (instance_id, ends_at, spend, base_runs, base_errors, history_since, late_writes_seen, computed_at)
       values (?, '2026-11-21T14:00:00Z', '{}', 0, 0, null, 0, now())`,
      [id],
    );
    const [{ instances } = { instances: 0 }] = await sql<{ instances: number }>('select count(*)::int as instances from instance');
    await job.run(now);
    expect(written.map((w) => `${w.endsAt.toISOString()} ${w.instances}`)).toEqual([
      `2026-11-21T16:00:00.000Z ${instances}`,
      `2026-11-21T17:00:00.000Z ${instances}`,
    ]);
    expect(await usableSummaries(id)).toEqual(['2026-11-21T16:00:00.000Z', '2026-11-21T17:00:00.000Z']);
    written.length = 0;
    await job.run(minutesAfter(now, 10));
    expect(written).toEqual([]);
  });

  it('a pass that stops early leaves the rest to the next one', async () => {
    for (let i = 0; i < 3; i++) await addInstance();
    const endsAt = new Date('2026-11-22T09:00:00Z');
    const now = new Date('2026-11-22T08:15:00Z');
    const [{ instances } = { instances: 0 }] = await sql<{ instances: number }>('select count(*)::int as instances from instance');
    const pauses: number[] = [];
    const stopAfterOne = async (chunkMs: number) => {
      pauses.push(chunkMs);
      return false;
    };
    expect(await summarizeUsage(em(), endsAt, now, { chunk: 2, afterChunk: stopAfterOne })).toBe(2);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThanOrEqual(0);
    expect(await summarizeUsage(em(), endsAt, now, { chunk: 2 })).toBe(instances - 2);
    expect(await summarizeUsage(em(), endsAt, now, { chunk: 2 })).toBe(0);
  });
});
