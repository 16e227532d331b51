/**
 * The agent's own small state file: where each transcript was read up to, the cumulative usage
 * buckets of the window, the last sequence number, and a few cached answers. It is what makes a
 * repeat sync cost O(new data).
 *
 * Written atomically (temporary file, fsync, rename), mode 0600, in a 0700 directory: a crash
 * mid-write leaves the previous state whole. A missing, corrupt or foreign-version file is not an
 * error — the agent starts over, reads the transcripts of the window again and sends the same
 * cumulative figures, which the service's upsert makes harmless.
 *
 * A lock file next to it (`O_EXCL`, holding the pid) keeps two agents — an overlapping cron run,
 * a forgotten second timer — from interleaving their cursors.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CronJobState } from '../ingest/contract.ts';
import { AgentError } from './agent-error.ts';
import { EXIT } from './exit-codes.ts';
import type { ReadCursors } from './openclaw/read-openclaw.ts';
import type { VersionCache } from './openclaw/openclaw-version.ts';
import type { AuditSummary } from './openclaw/security-audit.ts';
import { encodeSeen, type UsageLedgerState } from './usage-ledger.ts';

export const STATE_FORMAT = 'deepclaw-agent.state/v1';

export interface AgentState {
  format: typeof STATE_FORMAT;
  /** The OpenClaw state dir the cursors and usage belong to. */
  openclawDir?: string;
  /** The last `seq` used; the next one is larger (see nextSeq). */
  lastSeq: number;
  cursors: ReadCursors;
  usage: UsageLedgerState;
  /** The last cron list read, re-sent while the cron store is briefly unreadable. */
  lastCron?: CronJobState[];
  openclawVersion?: VersionCache;
  audit?: { atMs: number; summary: AuditSummary };
}

export function emptyState(lastSeq = 0): AgentState {
  return { format: STATE_FORMAT, lastSeq, cursors: { files: {}, databases: {} }, usage: { hours: {} } };
}

/** `$XDG_STATE_HOME/deepclaw-agent/state.json`, else `~/.local/state/deepclaw-agent/state.json`. */
export function defaultStatePath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME ? resolve(env.XDG_STATE_HOME) : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'deepclaw-agent', 'state.json');
}

/**
 * Sequence numbers are milliseconds since the epoch, bumped past the last one used: monotonic per
 * install, and still larger than anything sent before after the state file is lost — the service
 * ignores a snapshot whose seq is older than the newest it has.
 */
export function nextSeq(state: AgentState, nowMs: number): number {
  return Math.max(state.lastSeq + 1, Math.floor(nowMs));
}

export function loadAgentState(path: string): { state: AgentState; warning?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState() };
    throw new AgentError('state_unreadable', `cannot read the agent state file ${path} (${(error as NodeJS.ErrnoException).code}); fix its permissions or pass --state-file`, EXIT.localState);
  }
  try {
    const parsed = JSON.parse(text) as Partial<AgentState>;
    if (parsed.format !== STATE_FORMAT) throw new Error('unknown format');
    return {
      state: {
        ...emptyState(),
        ...parsed,
        lastSeq: typeof parsed.lastSeq === 'number' && Number.isSafeInteger(parsed.lastSeq) ? parsed.lastSeq : 0,
        cursors: { files: parsed.cursors?.files ?? {}, databases: parsed.cursors?.databases ?? {} },
        usage: { hours: parsed.usage?.hours ?? {} },
      } as AgentState,
    };
  } catch {
    return { state: emptyState(), warning: `the agent state file ${path} was unreadable; starting over (the usage window is read again)` };
  }
}

export function saveAgentState(path: string, state: AgentState): void {
  const dir = dirname(path);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeStateJson(fd, state);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    syncDirectory(dir);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the directory itself is the problem; nothing was left behind
    }
    throw new AgentError(
      'state_unwritable',
      `cannot write the agent state file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix its directory's permissions or pass --state-file`,
      EXIT.localState,
    );
  }
}

/**
 * The same text as JSON.stringify(state), written hour by hour, each hour's hashes encoded just
 * before they are written: the window's hashes are megabytes on a busy gateway, and all of them as
 * strings at once would be the agent's largest allocation of the whole sync.
 */
function writeStateJson(fd: number, state: AgentState): void {
  const { usage, ...rest } = state;
  writeSync(fd, `${JSON.stringify(rest).slice(0, -1)},"usage":{"hours":{`);
  let separator = '';
  for (const [hour, { models, seen }] of Object.entries(usage.hours)) {
    writeSync(fd, `${separator}${JSON.stringify(hour)}:{"models":${JSON.stringify(models)}`);
    if (seen !== undefined) {
      writeSync(fd, ',"seen":"');
      writeSync(fd, encodeSeen(seen));
      writeSync(fd, '"');
    }
    writeSync(fd, '}');
    separator = ',';
  }
  writeSync(fd, '}}}');
}

function syncDirectory(dir: string): void {
  // Makes the rename itself durable. Not every filesystem allows fsync on a directory.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/** Takes `<state file>.lock`; returns its release. Throws AgentError when a live agent holds it. */
export function lockStateFile(path: string): () => void {
  const lockPath = `${path}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AgentError('state_unwritable', `cannot create ${lockPath} (${(error as NodeJS.ErrnoException).code}); fix the directory's permissions or pass --state-file`, EXIT.localState);
      }
      const holder = Number(readLock(lockPath));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new AgentError(
          'agent_running',
          `another deepclaw-agent (pid ${holder}) is using ${path}; this run stops. Run one agent per gateway, or give each its own --state-file`,
          EXIT.localState,
        );
      }
      // The holder is gone (a crash, a reboot): the lock is stale.
      try {
        unlinkSync(lockPath);
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new AgentError('agent_running', `could not take ${lockPath}; another agent may be starting at this moment`, EXIT.localState);
}

function readLock(lockPath: string): string {
  try {
    return readFileSync(lockPath, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
