import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { formatThresholdValue, parseThresholdValue, thresholdsFrom } from './thresholds.ts';

describe('threshold values', () => {
  it.each([
    ['stale.grace', '15m', 900],
    ['cost-drift.ratio', '2', 2],
    ['cost-drift.absolute', '$10', 10],
    ['cost-drift.recovery', '3h', 10_800],
    ['error-spike.min-rate', '0.25', 0.25],
  ])('reads %s %s', (name, text, value) => {
    expect(parseThresholdValue(name, text)).toBe(value);
  });

  it.each([
    ['cost-drift.ratio', '1', '"1" is not a valid cost-drift.ratio (trailing-24h spend over baseline that alerts; default 1.5)'],
    ['error-spike.min-errors', '2.5', '"2.5" is not a valid error-spike.min-errors'],
    ['stale.grace', 'soon', 'stale.grace: "soon" is not a duration'],
    ['nonsense', '1', 'there is no threshold "nonsense"; the thresholds are: stale.grace, '],
  ])('refuses %s %s', (name, text, message) => {
    expect(() => parseThresholdValue(name, text)).toThrow(message);
  });

  it('formats values the way they are typed', () => {
    expect(formatThresholdValue('stale.grace', 900)).toBe('15m');
    expect(formatThresholdValue('cost-drift.absolute', 10)).toBe('$10');
  });

  it('puts overrides on top of the defaults', () => {
    const thresholds = thresholdsFrom(new Map([['cost-drift.ratio', 2], ['cost-drift.recovery', 7200]]), 30);
    expect(thresholds.costDrift).toMatchObject({ ratio: 2, absoluteUsd: 5, recoveryHours: 2 });
    expect(thresholds.staleGraceSeconds).toBe(30);
  });
});

describeStorage('deepclaw threshold', (db) => {
  const run = (argv: string[]) => cli(argv, { env: { DATABASE_URL: db().url } });

  it('sets workspace and instance thresholds, lists them, and audits them', async () => {
    await run(['instance', 'add', 'pricey']);
    expect((await run(['threshold', 'set', 'cost-drift.ratio', '2'])).stdout).toBe('Set cost-drift.ratio to 2 for workspace "default"; it applies from the next evaluation.\n');
    expect((await run(['threshold', 'set', 'cost-drift.ratio', '3', '--instance', 'pricey'])).stdout).toContain('for instance "pricey"');
    expect((await run(['threshold', 'set', 'cost-drift.ratio', '4'])).exitCode).toBe(0); // replaces, never duplicates
    const { thresholds } = (await run(['threshold', 'list', '--instance', 'pricey', '--json'])).json();
    expect(thresholds).toContainEqual(expect.objectContaining({ name: 'cost-drift.ratio', defaultValue: '1.5', workspaceValue: '4', instanceValue: '3' }));
    expect((await run(['threshold', 'list'])).stdout).toMatch(/^cost-drift\.ratio\s+1\.5\s+4\s/m);
    const { entries } = (await run(['audit', '--limit', '1', '--json'])).json();
    expect(entries[0]).toMatchObject({ action: 'threshold.set', details: { name: 'cost-drift.ratio', value: 4 } });
  });

  it('refuses a bad value or name with exit 1 and stores nothing', async () => {
    const bad = await run(['threshold', 'set', 'cost-drift.ratio', '0.5']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('"0.5" is not a valid cost-drift.ratio');
    expect((await run(['threshold', 'set', 'made-up', '1'])).stderr).toContain('there is no threshold "made-up"');
    expect((await run(['threshold', 'set', 'stale.grace'])).exitCode).toBe(2);
  });
});
