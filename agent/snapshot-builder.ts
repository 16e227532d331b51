/**
 * The allowlist: the snapshot is assembled here field by field from values the readers already
 * reduced to numbers, timestamps, enum-like words and names — never by copying an object that
 * came from OpenClaw. Whatever a future OpenClaw adds to its files has no path into this object.
 *
 * The result is checked against the shared contract before anything is sent: a snapshot the
 * service would refuse is an agent bug, reported as one, not a surprise 422 at 3 a.m.
 */
import {
  MAX_SNAPSHOT_BYTES,
  SNAPSHOT_SCHEMA,
  snapshotSchema,
  type CronJobState,
  type SecurityPosture,
  type SessionCounts,
  type Snapshot,
  type UsageBucket,
} from '../ingest/contract.ts';
import { AgentError } from './agent-error.ts';
import { EXIT } from './exit-codes.ts';
import type { StorageEra } from './openclaw/layout.ts';

const MAX_FAILING = 32;
const MAX_CRON_JOBS = 1000;

export interface SnapshotParts {
  snapshotId: string;
  seq: number;
  sentAtMs: number;
  agent: { version: string; intervalSeconds: number; os: string; arch: string };
  gateway: {
    version?: string;
    storage: StorageEra;
    live: boolean;
    ready?: boolean;
    failing: string[];
    uptimeMs?: number;
    eventLoopDelayP99Ms?: number;
    checkedAtMs: number;
  };
  sessions: SessionCounts;
  usage: UsageBucket[];
  cron: CronJobState[];
  security: SecurityPosture;
}

export interface BuiltSnapshot {
  snapshot: Snapshot;
  /** The exact bytes to send (and to print with --print). */
  body: string;
  /** Usage hours left out to stay under the size limit (oldest first); they were sent before. */
  droppedUsageHours: number;
}

export function buildSnapshot(parts: SnapshotParts): BuiltSnapshot {
  const { gateway } = parts;
  const snapshot: Snapshot = {
    schema: SNAPSHOT_SCHEMA,
    snapshotId: parts.snapshotId,
    seq: parts.seq,
    sentAt: new Date(parts.sentAtMs).toISOString(),
    agent: {
      version: parts.agent.version,
      intervalSeconds: parts.agent.intervalSeconds,
      host: { os: parts.agent.os.slice(0, 32), arch: parts.agent.arch.slice(0, 32) },
    },
    gateway: {
      ...(gateway.version !== undefined ? { version: gateway.version } : {}),
      storage: gateway.storage,
      live: gateway.live,
      ...(gateway.ready !== undefined ? { ready: gateway.ready } : {}),
      ...(gateway.failing.length > 0 ? { failing: [...new Set(gateway.failing)].slice(0, MAX_FAILING) } : {}),
      ...(gateway.uptimeMs !== undefined ? { uptimeMs: gateway.uptimeMs } : {}),
      ...(gateway.eventLoopDelayP99Ms !== undefined ? { eventLoopDelayP99Ms: gateway.eventLoopDelayP99Ms } : {}),
      checkedAt: new Date(gateway.checkedAtMs).toISOString(),
    },
    sessions: {
      total: parts.sessions.total,
      active24h: parts.sessions.active24h,
      running: parts.sessions.running,
      failed24h: parts.sessions.failed24h,
      ...(parts.sessions.byChannel ? { byChannel: { ...parts.sessions.byChannel } } : {}),
    },
    usage: parts.usage.map(usageBucket),
    cron: uniqueById(parts.cron).slice(0, MAX_CRON_JOBS).map(cronJob),
    security: security(parts.security),
  };

  const checked = snapshotSchema.safeParse(snapshot);
  if (!checked.success) {
    const paths = checked.error.issues.map((issue) => issue.path.join('.') || '(root)').slice(0, 10);
    throw new AgentError('invalid_snapshot', `the agent built a snapshot the contract refuses (${paths.join(', ')}); this is a bug, please report it`, EXIT.internal);
  }
  return fitToLimit(snapshot);
}

/** A job id twice (a hand-edited jobs.json, two stores) is ambiguous to the service: the first one stands. */
function uniqueById(jobs: CronJobState[]): CronJobState[] {
  const seen = new Set<string>();
  return jobs.filter((job) => !seen.has(job.id) && seen.add(job.id));
}

function usageBucket(bucket: UsageBucket): UsageBucket {
  return {
    hour: bucket.hour,
    model: bucket.model,
    runs: bucket.runs,
    inputTokens: bucket.inputTokens,
    outputTokens: bucket.outputTokens,
    cacheReadTokens: bucket.cacheReadTokens,
    cacheWriteTokens: bucket.cacheWriteTokens,
    costUsd: bucket.costUsd,
    errors: bucket.errors,
    missingCost: bucket.missingCost,
  };
}

function cronJob(job: CronJobState): CronJobState {
  const copy: CronJobState = {
    id: job.id,
    name: job.name,
    enabled: job.enabled,
    schedule: {
      kind: job.schedule.kind,
      ...(job.schedule.expr !== undefined ? { expr: job.schedule.expr } : {}),
      ...(job.schedule.tz !== undefined ? { tz: job.schedule.tz } : {}),
      ...(job.schedule.everyMs !== undefined ? { everyMs: job.schedule.everyMs } : {}),
    },
    consecutiveErrors: job.consecutiveErrors,
  };
  if (job.lastRunAt !== undefined) copy.lastRunAt = job.lastRunAt;
  if (job.lastStatus !== undefined) copy.lastStatus = job.lastStatus;
  if (job.lastErrorReason !== undefined) copy.lastErrorReason = job.lastErrorReason;
  if (job.lastDurationMs !== undefined) copy.lastDurationMs = job.lastDurationMs;
  if (job.nextRunAt !== undefined) copy.nextRunAt = job.nextRunAt;
  if (job.autoDisabled !== undefined) copy.autoDisabled = job.autoDisabled;
  return copy;
}

function security(posture: SecurityPosture): SecurityPosture {
  const copy: SecurityPosture = {};
  if (posture.bind !== undefined) copy.bind = posture.bind;
  if (posture.authMode !== undefined) copy.authMode = posture.authMode;
  if (posture.tailscaleMode !== undefined) copy.tailscaleMode = posture.tailscaleMode;
  if (posture.stateDirMode !== undefined) copy.stateDirMode = posture.stateDirMode;
  if (posture.configMode !== undefined) copy.configMode = posture.configMode;
  if (posture.audit !== undefined) {
    copy.audit = { critical: posture.audit.critical, warn: posture.audit.warn, info: posture.audit.info, checkIds: [...posture.audit.checkIds] };
  }
  return copy;
}

/**
 * The service refuses bodies over 512 KiB. Only the usage list can grow that large (48 hours of
 * many models); its oldest hours go first — they were in earlier snapshots, and the service keeps
 * each bucket's highest value, so leaving them out loses nothing.
 */
function fitToLimit(snapshot: Snapshot): BuiltSnapshot {
  let body = JSON.stringify(snapshot);
  let droppedUsageHours = 0;
  while (Buffer.byteLength(body) > MAX_SNAPSHOT_BYTES && snapshot.usage.length > 0) {
    const oldest = snapshot.usage[0]!.hour;
    snapshot.usage = snapshot.usage.filter((bucket) => bucket.hour !== oldest);
    droppedUsageHours += 1;
    body = JSON.stringify(snapshot);
  }
  if (Buffer.byteLength(body) > MAX_SNAPSHOT_BYTES) {
    throw new AgentError('snapshot_too_large', `the snapshot is ${Buffer.byteLength(body)} bytes even without usage; this is a bug, please report it`, EXIT.internal);
  }
  return { snapshot, body, droppedUsageHours };
}
