import fc from 'fast-check';
import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { loadInstanceFacts } from './instance-facts.ts';
import { costFigures, decideCostDrift, DEFAULT_COST_DRIFT, type HourlySpend } from './rules/cost-drift.ts';
import { decideErrorSpike, DEFAULT_ERROR_SPIKE, type HourlyCalls } from './rules/error-spike.ts';

const HOUR_MS = 3_600_000;

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

describeStorage('facts for the per-instance rules', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  let counter = 0;

  it('summed by window in SQL, give the rules the same answers as the hourly rows', async () => {
    await fc.assert(
      fc.asyncProperty(usageRows, fc.integer({ min: 0, max: HOUR_MS - 1 }), async (rows: UsageRow[], intoHour) => {
        const name = `facts-${++counter}`;
        await cli(['instance', 'add', name], { env: { DATABASE_URL: db().url } });
        const [instance] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
        const now = new Date(Date.UTC(2026, 10, 21, 12) + intoHour);
        const hourOf = (hoursAgo: number) => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - hoursAgo * HOUR_MS);
        for (const row of rows) {
          await sql(
            `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
             values (?, ?, ?, ?, 0, 0, 0, 0, ?, ?, 0, now())`,
            [instance!.id, hourOf(row.hoursAgo), row.model, row.runs, row.costUsd, Math.min(row.errors, row.runs)],
          );
        }
        const hourly: HourlySpend[] = rows.map((row) => ({ hour: hourOf(row.hoursAgo), model: row.model, costUsd: row.costUsd }));
        const calls: HourlyCalls[] = rows.map((row) => ({ hour: hourOf(row.hoursAgo), runs: row.runs, errors: Math.min(row.errors, row.runs) }));
        const historySince = rows.length > 0 ? hourOf(Math.max(...rows.map((r) => r.hoursAgo))) : undefined;

        const facts = (await loadInstanceFacts(db().database.orm.em.fork(), [instance!.id], now)).get(instance!.id)!;
        expect(facts.historySince).toEqual(historySince);
        const fromHours = costFigures({ spend: hourly, historySince }, now, 1);
        const fromWindows = costFigures({ spend: facts.spend, historySince: facts.historySince }, now, 1);
        if (fromHours === undefined) expect(fromWindows).toBeUndefined();
        else {
          expect(fromWindows!.trailingUsd).toBeCloseTo(fromHours.trailingUsd, 6);
          expect(fromWindows!.baselineUsd).toBeCloseTo(fromHours.baselineUsd, 6);
          // Drivers with equal growth may come in either order; three models never exceed the top three.
          const byModel = (drivers: { model: string; deltaUsd: number }[]) => drivers.map((d) => `${d.model} ${d.deltaUsd.toFixed(6)}`).sort();
          expect(byModel(fromWindows!.drivers)).toEqual(byModel(fromHours.drivers));
        }
        const thresholds = { ...DEFAULT_COST_DRIFT, minBaselineDays: 1, absoluteUsd: 1 };
        expect(decideCostDrift({ spend: facts.spend, historySince: facts.historySince }, new Map(), now, thresholds).map((d) => d.action)).toEqual(
          decideCostDrift({ spend: hourly, historySince }, new Map(), now, thresholds).map((d) => d.action),
        );
        expect(decideErrorSpike(facts.calls, new Map(), now, DEFAULT_ERROR_SPIKE)).toEqual(decideErrorSpike(calls, new Map(), now, DEFAULT_ERROR_SPIKE));
      }),
      { numRuns: 40 },
    );
  });
});
