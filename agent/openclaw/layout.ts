/**
 * Where an OpenClaw state directory keeps what the agent reads, and which storage era it is.
 * The era is detected from the files and tables that exist — never from a version number alone,
 * which only breaks the tie for a state directory that holds nothing yet:
 *
 *   json         <= 2026.5   agents/<id>/sessions/*.jsonl + sessions.json; cron/jobs.json …
 *   sqlite-cron  2026.6–7    sessions as above; cron in state/openclaw.sqlite
 *   sqlite       >= 2026.8.1 agents/<id>/agent/openclaw-agent.sqlite; cron in state/openclaw.sqlite
 *
 * Each agent is read from its own store: an agent that has a database is read from it alone
 * (JSON files left beside it by a migration are history the database already holds).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type StorageEra = 'json' | 'sqlite-cron' | 'sqlite';

export interface AgentStore {
  id: string;
  sessionsDir: string;
  sessionsJson: string;
  /** Present from 2026.8.1 on. */
  agentDb?: string;
}

export interface OpenClawLayout {
  stateDir: string;
  configPath: string;
  era: StorageEra;
  agents: AgentStore[];
  /** `state/openclaw.sqlite`, present from 2026.6 on. */
  globalDb?: string;
  cronDir: string;
}

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return env.OPENCLAW_STATE_DIR ? resolve(env.OPENCLAW_STATE_DIR) : join(env.HOME ?? homedir(), '.openclaw');
}

/** Undefined when `stateDir` is not a directory. */
export function detectLayout(stateDir: string, env: NodeJS.ProcessEnv, versionHint?: string): OpenClawLayout | undefined {
  const root = resolve(stateDir);
  if (!isDirectory(root)) return undefined;
  const agentsDir = join(root, 'agents');
  const agents: AgentStore[] = listDirectories(agentsDir).map((id) => {
    const agentDb = join(agentsDir, id, 'agent', 'openclaw-agent.sqlite');
    const sessionsDir = join(agentsDir, id, 'sessions');
    return { id, sessionsDir, sessionsJson: join(sessionsDir, 'sessions.json'), ...(isFile(agentDb) ? { agentDb } : {}) };
  });
  const globalDbPath = join(root, 'state', 'openclaw.sqlite');
  const globalDb = isFile(globalDbPath) ? globalDbPath : undefined;
  let era: StorageEra;
  if (agents.some((agent) => agent.agentDb)) era = 'sqlite';
  else if (globalDb) era = versionEra(versionHint) === 'sqlite' ? 'sqlite' : 'sqlite-cron';
  else era = versionEra(versionHint) ?? 'json';
  return {
    stateDir: root,
    configPath: env.OPENCLAW_CONFIG_PATH ? resolve(env.OPENCLAW_CONFIG_PATH) : join(root, 'openclaw.json'),
    era,
    agents,
    ...(globalDb ? { globalDb } : {}),
    cronDir: join(root, 'cron'),
  };
}

/** The era a release version implies (`2026.9.6` -> sqlite), for a state dir with no data yet. */
export function versionEra(version: string | undefined): StorageEra | undefined {
  const match = /^(\d{4})\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return undefined;
  const [year, month, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = year * 10_000 + month * 100 + Math.min(patch, 99);
  if (value >= 2026_08_01) return 'sqlite';
  if (value >= 2026_06_00) return 'sqlite-cron';
  return 'json';
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listDirectories(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}
