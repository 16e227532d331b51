/**
 * The installed OpenClaw release, for `gateway.version`:
 *
 * 1. the `openclaw` executable on PATH, followed to its package.json (an npm install: no process
 *    started, ~1 ms);
 * 2. `openclaw --version`, with a 5 s limit (a standalone build), only when 1 found nothing;
 * 3. otherwise unknown — the field is optional.
 *
 * The result is cached by the executable's path and mtime in the agent state file, so the slow
 * path runs once per upgrade, not once per sync.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const VERSION_PATTERN = /\b(\d{4}\.\d{1,2}\.\d{1,3}(?:[-+][0-9A-Za-z.-]{1,40})?)\b/;
const CLI_TIMEOUT_MS = 5000;

export interface VersionCache {
  executable: string;
  mtimeMs: number;
  version?: string;
}

export interface InstalledVersion {
  version?: string;
  cache?: VersionCache;
}

export async function detectOpenClawVersion(env: NodeJS.ProcessEnv, cache: VersionCache | undefined): Promise<InstalledVersion> {
  const executable = findExecutable(env);
  if (!executable) return {};
  let real: string;
  let mtimeMs: number;
  try {
    real = realpathSync(executable);
    mtimeMs = statSync(real).mtimeMs;
  } catch {
    return {};
  }
  if (cache && cache.executable === real && cache.mtimeMs === mtimeMs) return { version: cache.version, cache };
  const version = versionFromPackage(real) ?? (await versionFromCli(executable, env));
  return { version, cache: { executable: real, mtimeMs, ...(version ? { version } : {}) } };
}

/** `OPENCLAW_BIN` if set, else the first `openclaw` on PATH. */
export function findExecutable(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OPENCLAW_BIN) return env.OPENCLAW_BIN;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'openclaw');
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function versionFromPackage(realExecutable: string): string | undefined {
  let dir = dirname(realExecutable);
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'openclaw' && typeof pkg.version === 'string') return VERSION_PATTERN.exec(pkg.version)?.[1];
    } catch {
      // no package.json at this level
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

async function versionFromCli(executable: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(executable, ['--version'], { timeout: CLI_TIMEOUT_MS, env, maxBuffer: 64 * 1024 }, (error, stdout) => {
      resolve(error ? undefined : VERSION_PATTERN.exec(String(stdout))?.[1]);
    });
  });
}
