/**
 * What is running, for `deepclaw_build_info{version,commit}`: the version from package.json and
 * the commit from `git rev-parse` when this is a checkout. Asked once at start-up; anything that
 * goes wrong (no git, no repository, a slow disk) gives "unknown", never a failed start.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuildInfo {
  version: string;
  commit: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), commit: gitCommit() };
  return cached;
}

function packageVersion(): string {
  try {
    const version = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000, encoding: 'utf8' }).trim();
    return /^[0-9a-f]{7,64}$/.test(commit) ? commit : 'unknown';
  } catch {
    return 'unknown';
  }
}
