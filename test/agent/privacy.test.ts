/**
 * The data boundary, end to end: every string from the places OpenClaw keeps prompts, replies,
 * tool output, cron payloads, delivery targets, tokens, keys and secrets — in every fixture — and
 * not one of them anywhere in the snapshot the agent builds, with every optional part switched on
 * (live gateway, installed version, security audit).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../ingest/contract.ts';
import { collect, fakeOpenClawInstall, startFakeGateway } from './support/agent-harness.ts';
import { copyDirectory, copyFixtureState, fixtureFile, FIXTURE_VERSIONS, REPO_ROOT } from './support/openclaw-fixtures.ts';
import { sensitiveStrings } from './support/sensitive-strings.ts';

describe.each(FIXTURE_VERSIONS)('what leaves the machine, OpenClaw %s', (version) => {
  it('carries none of the sensitive strings of the state directory', async () => {
    const stateDir = copyFixtureState(version);
    const gateway = await startFakeGateway(version);
    let body: string;
    try {
      body = (await collect(stateDir, { gatewayPort: gateway.port, env: { PATH: fakeOpenClawInstall(version) }, securityAudit: true })).body;
    } finally {
      await gateway.close();
    }
    const snapshot = snapshotSchema.parse(JSON.parse(body));
    expect(snapshot.security.audit).toBeDefined();
    expect(snapshot.gateway.version).toBe(version);

    const sensitive = sensitiveStrings(stateDir, fixtureFile(version, 'cli-out'));
    // The collection is real: it holds what the fixture's README names as sensitive.
    const all = [...sensitive].join('\n');
    for (const marker of ['Fixture turn 2', 'Fake reply #', 'Interval job: say ok.', 'This job uses err-model', 'dummy-fixture-token-0000000000000000', 'fake-llm-key-not-secret']) {
      expect(all).toContain(marker);
    }
    expect(sensitive.size).toBeGreaterThan(100);

    const leaked = [...sensitive].filter((text) => body.includes(text));
    expect(leaked).toEqual([]);
    // And no fragment that gives one away.
    for (const fragment of ['Fixture turn', 'Fake reply', 'Cron-expression job', 'dummy-fixture-token', 'fake-llm-key', 'REDACTED', '/home/claw', '127.0.0.1']) {
      expect(body).not.toContain(fragment);
    }
  });
});

describe('what leaves the machine, synthetic edge directories', () => {
  it.each(['half-written-line', 'corrupt-json', 'missing-files', 'reset-archive', 'unknown-fields', 'unsupported-layout'])('%s: no planted secret gets out', async (name) => {
    const source = join(REPO_ROOT, 'test', 'agent', 'state-dirs', name);
    const { body } = await collect(copyDirectory(source));
    expect(body).not.toMatch(/EDGE[- ]SECRET/i);
    // The planted strings are there to be found, so the check is not vacuous.
    expect(readFileSync(join(source, 'openclaw.json'), 'utf8')).toContain('EDGE-SECRET');
  });
});
