/**
 * `deepclaw-agent`: argument handling and the three ways to run — `--print` (read and show, send
 * nothing, write nothing), one-shot (the default, for cron and systemd timers) and `--loop`.
 * Returns the exit code; every dependency on the outside world (environment, clock, randomness,
 * fetch, output, stop signal) comes in through `deps`, so tests run the real thing.
 */
import { parseArgs } from 'node:util';
import type { AgentError } from './agent-error.ts';
import { defaultStatePath, loadAgentState, lockStateFile } from './agent-state.ts';
import { snapshotEndpoint } from './api-url.ts';
import { retryDelayMs } from './backoff.ts';
import { collectSnapshot } from './collect-snapshot.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { defaultStateDir } from './openclaw/layout.ts';
import { asAgentError, runSync, warn, type SyncDependencies, type SyncSettings } from './run-sync.ts';
import { resolveSyncToken } from './sync-token.ts';
import { AGENT_VERSION } from './version.ts';

export const DEFAULT_INTERVAL_SECONDS = 300;
/** One-shot runs retry for at most a minute by default: a cron run must not overlap the next one. */
export const DEFAULT_RETRY_FOR_SECONDS = 60;
export const ONE_SHOT_MAX_ATTEMPTS = 4;

export const USAGE = `Usage: deepclaw-agent [options]

Reads this host's OpenClaw state and sends a privacy-safe snapshot to DeepClaw.

Options:
  --print                 show the exact JSON that would be sent; send and write nothing
  --loop                  keep running, one sync every --interval (default: one sync, then exit)
  --interval <duration>   how often this agent syncs, like 5m or 90s (default 5m); DeepClaw
                          expects a snapshot within it, so match your cron line or timer
  --openclaw-dir <path>   OpenClaw's state directory (default: $OPENCLAW_STATE_DIR or ~/.openclaw)
  --state-file <path>     the agent's own state (default: ~/.local/state/deepclaw-agent/state.json)
  --token-file <path>     read the sync token from this file (must not be readable by others)
  --retry-for <duration>  how long a one-shot run retries a busy or unreachable server (default 1m;
                          0s: no retries)
  --security-audit        include the counts of \`openclaw security audit\` (runs it at most hourly)
  -v, --verbose           say what was sent
  -h, --help              show this help
  --version               show the agent's version

Environment:
  DEEPCLAW_API_URL        your DeepClaw address, like https://deepclaw.example.com (required to send)
  DEEPCLAW_SYNC_TOKEN     the instance's sync token (or use --token-file)

Exit codes: 0 ok · 1 agent bug · 2 usage · 3 token missing or malformed · 4 API URL missing,
invalid or insecure · 5 API unreachable · 6 token refused (401) · 7 snapshot refused (400/413/415/422)
· 8 server busy (429/5xx) · 9 local state problem. See docs/agent.md.
`;

export interface CliDependencies extends SyncDependencies {
  /** Test hooks: shorter timeouts, smaller buffers, fixed ids. */
  tuning?: Pick<SyncSettings, 'gatewayTimeoutMs' | 'busyTimeoutMs' | 'scanBufferBytes' | 'newSnapshotId'>;
}

interface CliOptions {
  print: boolean;
  loop: boolean;
  intervalSeconds: number;
  openclawDir: string;
  statePath: string;
  tokenFile?: string;
  retryForSeconds: number;
  securityAudit: boolean;
  verbose: boolean;
}

export async function runAgentCli(argv: string[], deps: CliDependencies): Promise<ExitCode> {
  let options: CliOptions | 'help' | 'version';
  try {
    options = parseOptions(argv, deps.env);
  } catch (error) {
    deps.stderr.write(`deepclaw-agent: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options === 'help') {
    deps.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (options === 'version') {
    deps.stdout.write(`deepclaw-agent ${AGENT_VERSION}\n`);
    return EXIT.ok;
  }
  try {
    if (options.print) return await printSnapshot(options, deps);
    // Everything that can be checked offline is checked before the first byte is read or sent.
    const endpoint = snapshotEndpoint(deps.env.DEEPCLAW_API_URL);
    const token = resolveSyncToken({ tokenFile: options.tokenFile, env: deps.env });
    const settings: SyncSettings = {
      openclawDir: options.openclawDir,
      statePath: options.statePath,
      intervalSeconds: options.intervalSeconds,
      securityAudit: options.securityAudit,
      verbose: options.verbose,
      endpoint,
      token,
      ...deps.tuning,
    };
    const release = lockStateFile(options.statePath);
    try {
      return options.loop ? await runLoop(settings, deps) : await runOneShot(settings, deps, options.retryForSeconds * 1000);
    } finally {
      release();
    }
  } catch (error) {
    return fail(deps, asAgentError(error));
  }
}

async function printSnapshot(options: CliOptions, deps: CliDependencies): Promise<ExitCode> {
  const loaded = loadAgentState(options.statePath);
  if (loaded.warning) warn(deps, loaded.warning);
  const collected = await collectSnapshot({
    openclawDir: options.openclawDir,
    env: deps.env,
    intervalSeconds: options.intervalSeconds,
    nowMs: () => deps.clock.now(),
    state: loaded.state,
    securityAudit: options.securityAudit,
    ...deps.tuning,
  });
  for (const warning of collected.warnings) warn(deps, warning);
  deps.stdout.write(`${collected.body}\n`);
  return EXIT.ok;
}

async function runOneShot(settings: SyncSettings, deps: CliDependencies, retryBudgetMs: number): Promise<ExitCode> {
  const outcome = await runSync(settings, deps, { budgetMs: retryBudgetMs, maxAttempts: retryBudgetMs > 0 ? ONE_SHOT_MAX_ATTEMPTS : 1 });
  return outcome.ok ? EXIT.ok : fail(deps, outcome.error);
}

/**
 * Keeps going through every failure a later sync can get past — unreachable API, 401, 422,
 * 429/503, a missing state dir — printing each; only a stop signal ends it (exit 0). After a
 * retryable failure the next try comes sooner, with backoff and the server's Retry-After.
 */
async function runLoop(settings: SyncSettings, deps: CliDependencies): Promise<ExitCode> {
  const intervalMs = settings.intervalSeconds * 1000;
  let failuresInARow = 0;
  while (!deps.signal?.aborted) {
    let delayMs = intervalMs;
    try {
      const outcome = await runSync(settings, deps, { budgetMs: 0, maxAttempts: 1 });
      if (outcome.ok) {
        failuresInARow = 0;
      } else {
        report(deps, outcome.error);
        if (outcome.retryable) {
          delayMs = retryDelayMs({ attempt: failuresInARow, retryAfterMs: outcome.retryAfterMs, capMs: intervalMs, random: deps.random });
          failuresInARow += 1;
        } else {
          failuresInARow = 0;
        }
      }
    } catch (error) {
      report(deps, asAgentError(error));
    }
    await deps.clock.sleep(delayMs, deps.signal);
  }
  return EXIT.ok;
}

function report(deps: Pick<SyncDependencies, 'stderr'>, error: AgentError): void {
  deps.stderr.write(`deepclaw-agent: error: ${error.message}\n`);
}

function fail(deps: Pick<SyncDependencies, 'stderr'>, error: AgentError): ExitCode {
  report(deps, error);
  return error.exitCode;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' | 'version' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      print: { type: 'boolean' },
      loop: { type: 'boolean' },
      interval: { type: 'string' },
      'openclaw-dir': { type: 'string' },
      'state-file': { type: 'string' },
      'token-file': { type: 'string' },
      'retry-for': { type: 'string' },
      'security-audit': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (values.print && values.loop) throw new Error('--print shows one snapshot; it cannot be combined with --loop');
  if (values.loop && values['retry-for'] !== undefined) throw new Error('--retry-for is for one-shot runs; --loop retries on its own schedule');
  for (const flag of ['openclaw-dir', 'state-file', 'token-file', 'interval', 'retry-for'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw new Error(`--${flag} needs a value`);
  }
  return {
    print: values.print ?? false,
    loop: values.loop ?? false,
    intervalSeconds: values.interval === undefined ? DEFAULT_INTERVAL_SECONDS : parseDuration(values.interval, '--interval', 10, 86_400),
    openclawDir: values['openclaw-dir'] ?? defaultStateDir(env),
    statePath: values['state-file'] ?? defaultStatePath(env),
    tokenFile: values['token-file'],
    retryForSeconds: values['retry-for'] === undefined ? DEFAULT_RETRY_FOR_SECONDS : parseDuration(values['retry-for'], '--retry-for', 0, 3600),
    securityAudit: values['security-audit'] ?? false,
    verbose: values.verbose ?? false,
  };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `5m`, `1h30m`, or bare seconds, within [min, max] seconds. `--interval` takes 10 s to a day (the contract's range). */
export function parseDuration(text: string, flag: string, minSeconds: number, maxSeconds: number): number {
  const trimmed = text.trim().toLowerCase();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else {
    const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
    if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) {
      throw new Error(`${flag} "${text}" is not a duration; use a number with a unit, like 90s, 5m or 1h`);
    }
    seconds = parts.reduce((sum, part) => sum + Number(part[1]) * UNIT_SECONDS[part[2]!]!, 0);
  }
  if (seconds < minSeconds || seconds > maxSeconds) throw new Error(`${flag} must be between ${durationText(minSeconds)} and ${durationText(maxSeconds)}, not ${text}`);
  return seconds;
}

function durationText(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
