/**
 * One simulated OpenClaw host for the demo: turns the story's {@link Condition} into the snapshot
 * a real agent would build — through the agent's own snapshot builder, so the demo sends exactly
 * what the contract and the agent allow — and remembers what a real host would (when a cron job
 * last ran, the sequence number).
 *
 * The first snapshot carries eight days of hourly usage, as an agent installed on a gateway with
 * history reports it (the service keeps each bucket's highest value, so history arriving late is
 * normal); cost drift and error spikes need those days as their baseline. Later snapshots carry
 * the last two hours, as the agent's usage ledger does.
 */
import { randomUUID } from 'node:crypto';
import { buildSnapshot, type BuiltSnapshot, type SnapshotParts } from '../../agent/snapshot-builder.ts';
import type { CronJobState, UsageBucket } from '../../ingest/contract.ts';
import type { Condition, DemoInstance, DemoStory } from './story.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_HOURS = 8 * 24;
const GATEWAY_VERSION = '2026.9.6';
const EVERYDAY_MODELS = ['anthropic/claude-sonnet-4-5', 'openai/gpt-5-mini'] as const;
const EXPENSIVE_MODEL = 'anthropic/claude-opus-4-1';

export class SimulatedInstance {
  readonly name: string;
  readonly #instance: DemoInstance;
  readonly #story: DemoStory;
  readonly #startedAtMs: number;
  #seq = 0;
  #sentHistory = false;
  /** nightly-report's last run, moved when the story makes it fail or recover. */
  #reportLastRunMs: number;
  #reportWasFailing = false;
  #heartbeatLastRunMs: number;

  constructor(instance: DemoInstance, story: DemoStory, startedAtMs: number) {
    this.name = instance.name;
    this.#instance = instance;
    this.#story = story;
    this.#startedAtMs = startedAtMs;
    this.#reportLastRunMs = lastDailyRun(startedAtMs, 3);
    this.#heartbeatLastRunMs = startedAtMs;
  }

  /** The snapshot this host's agent would send at `nowMs` in `condition`. */
  snapshotAt(nowMs: number, condition: Condition): BuiltSnapshot {
    if (condition.reportFailing !== this.#reportWasFailing) {
      // The job just ran: failing now, or fine again.
      this.#reportLastRunMs = nowMs;
      this.#reportWasFailing = condition.reportFailing;
    }
    const everyMs = this.#story.heartbeatEverySeconds * 1000;
    if (condition.heartbeatRunning) this.#heartbeatLastRunMs = Math.floor(nowMs / everyMs) * everyMs;

    const parts: SnapshotParts = {
      snapshotId: randomUUID(),
      seq: ++this.#seq,
      sentAtMs: nowMs,
      agent: { version: 'demo', intervalSeconds: this.#story.agentIntervalSeconds, os: 'linux', arch: 'x64' },
      gateway: {
        version: GATEWAY_VERSION,
        storage: 'sqlite',
        live: condition.gatewayLive,
        ...(condition.gatewayLive ? { ready: true } : {}),
        failing: condition.gatewayLive ? [] : ['gateway-unreachable'],
        ...(condition.gatewayLive ? { uptimeMs: nowMs - this.#startedAtMs + 3 * DAY_MS, eventLoopDelayP99Ms: 12 } : {}),
        checkedAtMs: nowMs,
      },
      sessions: {
        total: 40 + (this.#seq % 5),
        active24h: 12,
        running: condition.gatewayLive ? 1 + (this.#seq % 3) : 0,
        failed24h: condition.errorsSpiking ? 7 : 0,
        byChannel: { telegram: 9, slack: 3 },
      },
      usage: this.#usage(nowMs, condition),
      cron: this.#cronJobs(nowMs, condition),
      security: {
        bind: condition.bind,
        authMode: 'token',
        stateDirMode: '700',
        configMode: '600',
        audit: { critical: 0, warn: 1, info: 3, checkIds: ['gateway.auth.token-short'] },
      },
    };
    this.#sentHistory = true;
    return buildSnapshot(parts);
  }

  #usage(nowMs: number, condition: Condition): UsageBucket[] {
    const currentHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const hours = this.#sentHistory ? 2 : HISTORY_HOURS;
    const buckets: UsageBucket[] = [];
    for (let i = hours - 1; i >= 0; i--) {
      const hour = currentHour - i * HOUR_MS;
      const current = i === 0;
      EVERYDAY_MODELS.forEach((model, m) => {
        const runs = 40 + wobble(this.name, hour, m, 20);
        const errors = current && condition.errorsSpiking ? Math.round(runs * 0.6) : wobble(this.name, hour, m + 7, 2);
        buckets.push(bucket(hour, model, runs, errors, m === 0 ? 0.3 + wobble(this.name, hour, m, 10) / 100 : 0.04));
      });
      if (current && condition.spendJumped) buckets.push(bucket(hour, EXPENSIVE_MODEL, 120, 0, 42.5));
    }
    return buckets;
  }

  #cronJobs(nowMs: number, condition: Condition): CronJobState[] {
    const jobs: CronJobState[] = [];
    for (const job of this.#instance.cronJobs) {
      if (job === 'daily-digest') {
        jobs.push({
          id: `${this.name}-daily-digest`,
          name: 'daily-digest',
          enabled: true,
          schedule: { kind: 'cron', expr: '0 8 * * *', tz: 'UTC' },
          lastRunAt: new Date(lastDailyRun(nowMs, 8)).toISOString(),
          lastStatus: 'ok',
          lastDurationMs: 4200,
          nextRunAt: new Date(lastDailyRun(nowMs, 8) + DAY_MS).toISOString(),
          consecutiveErrors: 0,
        });
      } else if (job === 'nightly-report') {
        jobs.push({
          id: `${this.name}-nightly-report`,
          name: 'nightly-report',
          enabled: true,
          schedule: { kind: 'cron', expr: '0 3 * * *', tz: 'UTC' },
          lastRunAt: new Date(this.#reportLastRunMs).toISOString(),
          lastStatus: condition.reportFailing ? 'error' : 'ok',
          ...(condition.reportFailing ? { lastErrorReason: 'rate_limit' } : {}),
          lastDurationMs: condition.reportFailing ? 900 : 61_000,
          nextRunAt: new Date(lastDailyRun(nowMs, 3) + DAY_MS).toISOString(),
          consecutiveErrors: condition.reportFailing ? 1 : 0,
        });
      } else {
        const everyMs = this.#story.heartbeatEverySeconds * 1000;
        jobs.push({
          id: `${this.name}-heartbeat`,
          name: 'heartbeat',
          enabled: true,
          schedule: { kind: 'every', everyMs },
          lastRunAt: new Date(this.#heartbeatLastRunMs).toISOString(),
          lastStatus: 'ok',
          lastDurationMs: 150,
          nextRunAt: new Date(this.#heartbeatLastRunMs + everyMs).toISOString(),
          consecutiveErrors: 0,
        });
      }
    }
    return jobs;
  }
}

function bucket(hourMs: number, model: string, runs: number, errors: number, costUsd: number): UsageBucket {
  return {
    hour: new Date(hourMs).toISOString().replace('.000Z', 'Z'),
    model,
    runs,
    inputTokens: runs * 2100,
    outputTokens: runs * 380,
    cacheReadTokens: runs * 900,
    cacheWriteTokens: runs * 60,
    costUsd: Math.round(costUsd * 10_000) / 10_000,
    errors,
    missingCost: 0,
  };
}

/** A repeatable 0..spread-1 per (instance, hour, salt): usage that varies but never between runs. */
function wobble(name: string, hourMs: number, salt: number, spread: number): number {
  let hash = 2166136261 ^ salt;
  for (const char of `${name}${hourMs}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (hash >>> 0) % spread;
}

/** The most recent `hourUtc`:00 UTC at or before `nowMs`. */
function lastDailyRun(nowMs: number, hourUtc: number): number {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS + hourUtc * HOUR_MS;
  return today <= nowMs ? today : today - DAY_MS;
}
