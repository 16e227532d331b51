/**
 * `npm run build:agent`: one file, importing nothing but Node's built-ins, that runs on its own —
 * copied away from the repository, as operators run it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../agent/bundle.ts';
import { AGENT_VERSION } from '../../agent/version.ts';
import { snapshotSchema } from '../../ingest/contract.ts';
import { copyFixtureState, REPO_ROOT, tempDir } from './support/openclaw-fixtures.ts';

describe('the agent bundle', () => {
  let path: string;
  let source: string;

  beforeAll(async () => {
    path = join(tempDir('agent-bundle-'), 'deepclaw-agent.mjs');
    const built = await bundleAgent(path);
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
    source = readFileSync(path, 'utf8');
  }, 60_000);

  it('imports nothing but node: built-ins', () => {
    const specifiers = [...source.matchAll(/(?:^import[^'"]*?from\s*|^import\s*|\bimport\(\s*|\brequire\(\s*)["']([^"']+)["']/gm)].map((match) => match[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(Buffer.byteLength(source)).toBeLessThan(600 * 1024);
  });

  it('runs on its own and prints a valid snapshot', () => {
    const stateDir = copyFixtureState('2026.7.35');
    const env = { PATH: '', HOME: tempDir() };
    expect(execFileSync(process.execPath, [path, '--version'], { env, cwd: tempDir() }).toString()).toBe(`deepclaw-agent ${AGENT_VERSION}\n`);
    const printed = execFileSync(process.execPath, [path, '--print', '--openclaw-dir', stateDir, '--interval', '10m'], { env, cwd: tempDir() }).toString();
    const snapshot = snapshotSchema.parse(JSON.parse(printed));
    expect(snapshot).toMatchObject({ agent: { version: AGENT_VERSION, intervalSeconds: 600 }, gateway: { storage: 'sqlite-cron' } });
  });

  it("carries the package's version", () => {
    expect(AGENT_VERSION).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });
});

it('is built by `npm run build`, the step deploy platforms run before `npm start`, which builds it too', () => {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  expect(scripts.build).toBe('npm run build:agent');
  expect(scripts['build:agent']).toBe('node agent/bundle.ts');
  expect(scripts.prestart).toBe('npm run build --silent');
});
