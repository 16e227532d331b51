import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { evaluateInstances } from '../events/evaluate-instances.ts';
import { budgetSpend, monthlyBudgets, monthToDateSpend } from './budget-spend.ts';

describeStorage('budgets, read from usage and judged by the real evaluation', (db) => {
  const run = (argv: string[]) => cli(argv, { env: { DATABASE_URL: db().url } });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const em = () => db().database.orm.em.fork();
  let counter = 0;

  async function addInstance(workspace = 'default'): Promise<{ id: string; name: string }> {
    const name = `budget-${++counter}`;
    expect((await run(['instance', 'add', name, '--workspace', workspace, '--json'])).exitCode).toBe(0);
    const [instance] = await sql<{ id: string }>('select i.id from instance i join workspace w on w.id = i.workspace_id where i.name = ? and w.name = ?', [name, workspace]);
    return { id: instance!.id, name };
  }

  /** `usdPerHour` on every hour from `from` to `to` (inclusive), as an agent's snapshots would leave it. */
  async function spendHourly(instanceId: string, from: string, to: string, usdPerHour: number): Promise<void> {
    await sql(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       select ?, h, 'anthropic/claude-sonnet-4-5', 1, 0, 0, 0, 0, ?, 0, 0, now() from generate_series(?::timestamptz, ?::timestamptz, interval '1 hour') h`,
      [instanceId, usdPerHour, from, to],
    );
  }

  const changesOf = async (ids: string[], now: Date) => (await evaluateInstances(em(), ids, now)).map((c) => `${c.change} ${c.kind} ${c.key}: ${c.summary}`);

  it('counts the month in the workspace’s time zone: Berlin’s December starts an hour before UTC’s', async () => {
    expect((await run(['workspace', 'create', 'berlin'])).exitCode).toBe(0);
    expect((await run(['workspace', 'set', 'timezone', 'Europe/Berlin', '--workspace', 'berlin'])).exitCode).toBe(0);
    const utc = await addInstance();
    const berlin = await addInstance('berlin');
    for (const { id } of [utc, berlin]) await spendHourly(id, '2026-11-25T00:00:00Z', '2026-12-03T10:00:00Z', 1);
    const now = new Date('2026-12-03T10:30:00Z');
    // 00:00 UTC on 1 December to the 10:00 hour on the 3rd is 59 hours; Berlin's month began at 23:00 UTC.
    expect(await monthToDateSpend(em(), [utc.id, berlin.id], now)).toEqual(new Map([[utc.id, 59], [berlin.id, 60]]));
    const spend = (await budgetSpend(em(), [berlin.id], now)).get(berlin.id)!;
    expect(spend).toMatchObject({ timeZone: 'Europe/Berlin', monthLabel: '2026-12', trailingUsd: 168, historySince: new Date('2026-11-25T00:00:00Z') });
    expect(spend.month.start.toISOString()).toBe('2026-11-30T23:00:00.000Z');

    // A workspace budget applies to its instances; Berlin's resolves when Berlin's month turns.
    expect((await run(['threshold', 'set', 'budget.monthly', '50', '--workspace', 'berlin'])).exitCode).toBe(0);
    expect(await monthlyBudgets(em(), [utc.id, berlin.id])).toEqual(new Map([[berlin.id, 50]]));
    expect(await changesOf([utc.id, berlin.id], now)).toEqual(['opened budget passed: passed its $50 monthly budget: $60.00 spent so far in December']);
    expect(await changesOf([berlin.id], new Date('2026-12-31T22:30:00Z'))).toEqual([]);
    expect(await changesOf([berlin.id], new Date('2026-12-31T23:30:00Z'))).toEqual(['resolved budget passed: a new month began; spend counts from zero again']);
  });

  it('warns once of a steady overspend, resolves when the budget is raised, and stops at off', async () => {
    const vps = await addInstance();
    // $9.60 a day since the start of November.
    await spendHourly(vps.id, '2026-11-01T00:00:00Z', '2026-12-10T11:00:00Z', 0.4);
    const now = new Date('2026-12-10T11:30:00Z');
    expect((await run(['threshold', 'set', 'budget.monthly', '200', '--instance', vps.name])).stdout).toBe(`Set budget.monthly to $200 for instance "${vps.name}"; it applies from the next evaluation.\n`);
    expect(await changesOf([vps.id], now)).toEqual(['opened budget forecast: will pass its $200 monthly budget around Dec 21 at the current rate ($9.60/day over the last 7 days)']);
    expect(await changesOf([vps.id], new Date(now.getTime() + 60_000))).toEqual([]);
    const [event] = await sql<{ details: Record<string, unknown> }>(`select details from event where instance_id = ? and kind = 'budget' and state = 'open'`, [vps.id]);
    expect(event!.details).toMatchObject({ month: '2026-12', budgetUsd: 200, monthToDateUsd: 91.2, dailyRateUsd: 9.6, crossesOn: 'Dec 21' });

    await run(['threshold', 'set', 'budget.monthly', '400', '--instance', vps.name]);
    expect(await changesOf([vps.id], now)).toEqual(['resolved budget forecast: the budget was raised to $400, above the forecast of $297.80 for the month']);

    await run(['threshold', 'set', 'budget.monthly', '80', '--instance', vps.name]);
    expect(await changesOf([vps.id], now)).toEqual(['opened budget passed: passed its $80 monthly budget: $91.20 spent so far in December']);
    expect((await run(['threshold', 'set', 'budget.monthly', 'off', '--instance', vps.name])).stdout).toContain('Set budget.monthly to off');
    expect(await changesOf([vps.id], now)).toEqual(['resolved budget passed: the monthly budget was turned off']);
    expect(await monthlyBudgets(em(), [vps.id])).toEqual(new Map());
  });

  it('does not forecast for an instance with a day of history, however fast it spends', async () => {
    const fresh = await addInstance();
    await spendHourly(fresh.id, '2026-12-09T12:00:00Z', '2026-12-10T11:00:00Z', 5);
    await run(['threshold', 'set', 'budget.monthly', '200', '--instance', fresh.name]);
    expect(await changesOf([fresh.id], new Date('2026-12-10T11:30:00Z'))).toEqual([]);
  });

  it('says how to have no budget, and refuses a budget of nothing', async () => {
    const zero = await run(['threshold', 'set', 'budget.monthly', '0']);
    expect(zero.exitCode).not.toBe(0);
    expect(zero.stderr).toContain('"0" is not a valid budget.monthly (monthly spend budget per instance; off for none; default off); for none, set it to off');
    expect((await run(['threshold', 'list'])).stdout).toMatch(/^budget\.monthly\s+off\s+-\s/m);
  });
});
