/**
 * One sync's reading half: everything from the OpenClaw state directory and the local gateway,
 * turned into a snapshot and the agent state that goes with it. Sends nothing and writes nothing;
 * the caller decides (send, or --print) and saves the returned state.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { AgentError } from './agent-error.ts';
import { emptyState, nextSeq, type AgentState } from './agent-state.ts';
import { EXIT } from './exit-codes.ts';
import { probeGateway } from './gateway-probe.ts';
import { gatewayPort, readGatewayConfig } from './openclaw/gateway-config.ts';
import { detectLayout } from './openclaw/layout.ts';
import { detectOpenClawVersion } from './openclaw/openclaw-version.ts';
import { readOpenClaw, type ReadStats } from './openclaw/read-openclaw.ts';
import { AUDIT_REUSE_MS, runSecurityAudit } from './openclaw/security-audit.ts';
import { securityPosture } from './openclaw/security-posture.ts';
import { DEFAULT_BUSY_TIMEOUT_MS } from './openclaw/sqlite.ts';
import { STATE_UNREADABLE } from './openclaw/state-file-error.ts';
import { buildSnapshot, type BuiltSnapshot } from './snapshot-builder.ts';
import { UsageLedger } from './usage-ledger.ts';
import { AGENT_VERSION } from './version.ts';

/** `gateway.failing` code: the state directory holds nothing OpenClaw wrote. */
export const STATE_EMPTY = 'openclaw-state-empty';

export interface CollectOptions {
  openclawDir: string;
  env: NodeJS.ProcessEnv;
  intervalSeconds: number;
  nowMs: () => number;
  state: AgentState;
  securityAudit?: boolean;
  busyTimeoutMs?: number;
  gatewayTimeoutMs?: number;
  scanBufferBytes?: number;
  newSnapshotId?: () => string;
}

export interface Collected extends BuiltSnapshot {
  state: AgentState;
  warnings: string[];
  stats: ReadStats;
}

export async function collectSnapshot(options: CollectOptions): Promise<Collected> {
  const { env } = options;
  const warnings: string[] = [];
  const failing: string[] = [];

  const installed = await detectOpenClawVersion(env, options.state.openclawVersion);
  const layout = detectLayout(options.openclawDir, env, installed.version);
  if (!layout) {
    throw new AgentError(
      'openclaw_dir_missing',
      `OpenClaw state directory not found: ${options.openclawDir}; pass --openclaw-dir or set OPENCLAW_STATE_DIR to the gateway's state directory`,
      EXIT.localState,
    );
  }
  // Cursors and usage belong to one state directory; pointed elsewhere, the agent starts over.
  let state = options.state;
  if (state.openclawDir !== undefined && state.openclawDir !== layout.stateDir) {
    warnings.push(`the state file was kept for ${state.openclawDir}; starting over for ${layout.stateDir}`);
    state = { ...emptyState(state.lastSeq), openclawVersion: state.openclawVersion };
  }

  const config = readGatewayConfig(layout.configPath);
  if (config.status === 'missing' && layout.agents.length === 0 && !layout.globalDb && !existsSync(layout.cronDir)) {
    failing.push(STATE_EMPTY);
    warnings.push(`no OpenClaw state in ${layout.stateDir} (no openclaw.json, agents or cron); is --openclaw-dir the gateway's state directory?`);
  }
  if (config.status === 'unreadable') {
    failing.push(STATE_UNREADABLE);
    warnings.push(config.problem ?? `cannot read ${layout.configPath}`);
  }

  // Probe before reading: reading is synchronous, and must not eat into the probe's 2 s.
  const health = await probeGateway({
    host: config.customBindHost,
    port: gatewayPort(env, config),
    tls: config.tlsEnabled,
    timeoutMs: options.gatewayTimeoutMs,
  });
  const checkedAtMs = options.nowMs();

  const readStartMs = options.nowMs();
  const ledger = new UsageLedger(state.usage, readStartMs);
  const reading = readOpenClaw({
    layout,
    ledger,
    cursors: state.cursors,
    nowMs: readStartMs,
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    scanBufferBytes: options.scanBufferBytes,
  });
  warnings.push(...reading.warnings);
  failing.push(...reading.failing);

  let audit = state.audit;
  if (options.securityAudit && (!audit || readStartMs - audit.atMs >= AUDIT_REUSE_MS)) {
    const result = await runSecurityAudit(env);
    if ('problem' in result) warnings.push(result.problem);
    else audit = { atMs: readStartMs, summary: result };
  }

  const cron = reading.cron ?? state.lastCron ?? [];
  const nowMs = options.nowMs();
  const seq = nextSeq(state, nowMs);
  const built = buildSnapshot({
    snapshotId: (options.newSnapshotId ?? randomUUID)(),
    seq,
    sentAtMs: nowMs,
    agent: { version: AGENT_VERSION, intervalSeconds: options.intervalSeconds, os: process.platform, arch: process.arch },
    gateway: {
      version: installed.version,
      storage: reading.era,
      live: health.live,
      ready: health.ready,
      failing: [...health.failing, ...failing],
      uptimeMs: health.uptimeMs,
      eventLoopDelayP99Ms: health.eventLoopDelayP99Ms,
      checkedAtMs,
    },
    sessions: reading.sessions,
    usage: ledger.buckets(nowMs),
    cron,
    security: securityPosture({
      stateDir: layout.stateDir,
      configPath: layout.configPath,
      config,
      audit: options.securityAudit ? audit?.summary : undefined,
    }),
  });
  if (built.droppedUsageHours > 0) warnings.push(`left the ${built.droppedUsageHours} oldest usage hours out to stay under the 512 KiB limit`);

  return {
    ...built,
    warnings,
    stats: reading.stats,
    state: {
      ...state,
      openclawDir: layout.stateDir,
      lastSeq: seq,
      cursors: reading.cursors,
      usage: ledger.toState(),
      lastCron: cron,
      ...(installed.cache ? { openclawVersion: installed.cache } : {}),
      ...(audit ? { audit } : {}),
    },
  };
}
