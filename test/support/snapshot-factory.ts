/**
 * Valid snapshots for tests and benchmarks, shaped like a real OpenClaw gateway's: hourly usage
 * over a few models, a handful of cron jobs. Every call gets a fresh snapshotId; pass `seq`,
 * `sentAt` and overrides to shape the story a test tells.
 */
import { randomUUID } from 'node:crypto';
import type { CronJobState, Snapshot, UsageBucket } from '../../ingest/contract.ts';

export const MODELS = ['anthropic/claude-opus-4-6', 'anthropic/claude-sonnet-4-5', 'openai/gpt-5.1-mini'];

export interface SnapshotShape {
  seq?: number;
  sentAt?: Date;
  /** Hours of usage history (up to 48), ending with the hour of `sentAt`. */
  hours?: number;
  models?: string[];
  cronJobs?: number;
  /** Scales every usage figure, so a later snapshot can carry grown cumulative values. */
  growth?: number;
}

export function buildSnapshot(shape: SnapshotShape = {}, overrides: Partial<Snapshot> = {}): Snapshot {
  const sentAt = shape.sentAt ?? new Date();
  const hours = shape.hours ?? 3;
  const models = shape.models ?? MODELS.slice(0, 2);
  const growth = shape.growth ?? 1;
  const topOfHour = Math.floor(sentAt.getTime() / 3_600_000) * 3_600_000;
  const usage: UsageBucket[] = [];
  for (let h = hours - 1; h >= 0; h--) {
    models.forEach((model, m) => {
      const base = (h + 1) * (m + 1);
      usage.push({
        hour: new Date(topOfHour - h * 3_600_000).toISOString(),
        model,
        runs: Math.round(3 * base * growth),
        inputTokens: Math.round(12_000 * base * growth),
        outputTokens: Math.round(800 * base * growth),
        cacheReadTokens: Math.round(40_000 * base * growth),
        cacheWriteTokens: Math.round(2_000 * base * growth),
        costUsd: Math.round(0.37 * base * growth * 1e6) / 1e6,
        errors: h === 0 && m === 1 ? 1 : 0,
        missingCost: 0,
      });
    });
  }
  const cron: CronJobState[] = Array.from({ length: shape.cronJobs ?? 2 }, (_, i) => ({
    id: `job-${i + 1}`,
    name: `nightly report ${i + 1}`,
    enabled: true,
    schedule: { kind: 'cron', expr: `${i} 3 * * *`, tz: 'UTC' },
    lastRunAt: new Date(sentAt.getTime() - 3_600_000).toISOString(),
    lastStatus: 'ok',
    lastDurationMs: 4200 + i,
    nextRunAt: new Date(sentAt.getTime() + 20 * 3_600_000).toISOString(),
    consecutiveErrors: 0,
  }));
  return {
    schema: 'deepclaw.snapshot/v1',
    snapshotId: randomUUID(),
    seq: shape.seq ?? 1,
    sentAt: sentAt.toISOString(),
    agent: { version: '0.1.0', intervalSeconds: 300, host: { os: 'linux', arch: 'x64' } },
    gateway: { version: '2026.9.6', storage: 'sqlite', live: true, ready: true, uptimeMs: 86_400_000, checkedAt: sentAt.toISOString() },
    sessions: { total: 14, active24h: 5, running: 1, failed24h: 0, byChannel: { slack: 3, telegram: 2 } },
    usage,
    cron,
    security: { bind: 'loopback', authMode: 'token', tailscaleMode: 'off', stateDirMode: '700', configMode: '600' },
    ...overrides,
  };
}
