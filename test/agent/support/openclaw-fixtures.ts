/**
 * The real OpenClaw state directories in test/fixtures/openclaw, copied to a temporary
 * directory before use (opening a WAL database, even read-only, may create files beside it), and
 * the clock pinned to when they were written.
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES_ROOT = join(REPO_ROOT, 'test', 'fixtures', 'openclaw');
export const FIXTURE_VERSIONS = ['2026.5.7', '2026.7.35', '2026.9.6'] as const;
export type FixtureVersion = (typeof FIXTURE_VERSIONS)[number];
export const FIXTURE_ERA: Record<FixtureVersion, 'json' | 'sqlite-cron' | 'sqlite'> = {
  '2026.5.7': 'json',
  '2026.7.35': 'sqlite-cron',
  '2026.9.6': 'sqlite',
};

/** Everything in the fixtures happened 2026-11-21 between ~20:10 and ~20:40 UTC. */
export const FIXTURE_NOW = Date.parse('2026-11-21T20:45:00.000Z');

const made: string[] = [];
let cleanupRegistered = false;

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'deepclaw-agent-'): string {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    afterAll(() => {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A writable copy of a fixture's state/ directory; returns its path. */
export function copyFixtureState(version: FixtureVersion): string {
  const target = join(tempDir(`openclaw-${version}-`), 'state');
  cpSync(join(FIXTURES_ROOT, version, 'state'), target, { recursive: true });
  makeWritable(target);
  return target;
}

/** A copy of any directory (a synthetic state dir from test/agent/state-dirs), writable. */
export function copyDirectory(source: string): string {
  const target = join(tempDir('openclaw-edge-'), 'state');
  cpSync(source, target, { recursive: true });
  makeWritable(target);
  return target;
}

export function fixtureFile(version: FixtureVersion, ...path: string[]): string {
  return join(FIXTURES_ROOT, version, ...path);
}

/** Writable, and last modified at the fixtures' time whatever the machine's date is. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.isDirectory() ? 0o755 : 0o644);
  if (stat.isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
  const written = (FIXTURE_NOW - 60_000) / 1000;
  utimesSync(path, written, written);
}
