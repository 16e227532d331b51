/**
 * Each agent directory of an OpenClaw state dir, with its SQLite database (>= 2026.8) opened
 * read-only when it has one. For test support that reads fixtures the plain way.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');

export type AgentDatabase = InstanceType<typeof DatabaseSync>;

/** Calls `visit` for every agent dir; `database` is open for the call and closed after it. */
export function forEachAgent(stateDir: string, visit: (agentDir: string, database: AgentDatabase | undefined) => void): void {
  const agents = join(stateDir, 'agents');
  for (const agent of existsSync(agents) ? readdirSync(agents) : []) {
    const agentDir = join(agents, agent);
    const file = join(agentDir, 'agent', 'openclaw-agent.sqlite');
    const database = existsSync(file) ? new DatabaseSync(file, { readOnly: true }) : undefined;
    try {
      visit(agentDir, database);
    } finally {
      database?.close();
    }
  }
}
