/**
 * Metrics of the alert pipeline, modelled on Alertmanager's: what the outbox holds, what each
 * platform accepted or refused, how long an alert took from its event opening to the platform
 * accepting it, how the scheduler's jobs tick (and who leads them), whether chat connections are
 * up, and what build runs. Registered on the process's registry (the one `/metrics` serves);
 * the pipeline reports through the observers it is given, never through this module.
 */
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryObserver } from '../notifications/delivery-observer.ts';
import type { SchedulerObserver } from '../scheduler/scheduler-observer.ts';
import { buildInfo } from './build-info.ts';
import { registerOutboxGauges } from './outbox-gauges.ts';

export interface AlertPipelineMetrics {
  deliveries: DeliveryObserver;
  scheduler: SchedulerObserver;
  /** A chat platform's connection (Slack Socket Mode) opened or closed. */
  chatConnection(platform: string, up: boolean): void;
}

/** `deepclaw_build_info`: every process has one, whatever its role. */
export function registerBuildInfo(registry: Registry): void {
  const { version, commit } = buildInfo();
  new Gauge({
    name: 'deepclaw_build_info',
    help: 'Always 1; the labels say which version and commit runs',
    labelNames: ['version', 'commit'] as const,
    registers: [registry],
    // The same series from every process: one, not the number of processes.
    aggregator: 'max',
  }).set({ version, commit }, 1);
}

export function createAlertPipelineMetrics(registry: Registry, pool: Pool): AlertPipelineMetrics {
  const registers = [registry];
  registerOutboxGauges(registry, pool);
  const notifications = new Counter({
    name: 'deepclaw_notifications_total',
    help: 'Notification rows handled by delivery, by platform and result (sent, retried, failed)',
    labelNames: ['platform', 'result'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'deepclaw_notification_retries_total',
    help: 'Deliveries put off to a later attempt, by platform and reason (retry-after, transient, channel-limit, deferred)',
    labelNames: ['platform', 'reason'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'deepclaw_notification_failures_total',
    help: 'Notifications given up on, by platform and reason (permanent: the subscription is disabled; attempts-exhausted)',
    labelNames: ['platform', 'reason'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'deepclaw_alert_delivery_latency_seconds',
    help: 'From an event opening to the platform accepting its alert (first post of an alert or grouped alert)',
    labelNames: ['platform'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers,
  });
  const tickDuration = new Histogram({
    name: 'deepclaw_scheduler_tick_duration_seconds',
    help: 'Duration of each scheduled run by job and result (ok: ran as leader, not_leader: another process leads, error)',
    labelNames: ['job', 'result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const leader = new Gauge({
    name: 'deepclaw_scheduler_leader',
    help: '1 when this process held the job\'s leader lock at its last run, else 0',
    labelNames: ['job'] as const,
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'deepclaw_scheduler_last_success_timestamp_seconds',
    help: 'When the job last ran to completion as leader in this process (Unix time); max() over processes says when it last ran anywhere',
    labelNames: ['job'] as const,
    registers,
    aggregator: 'max',
  });
  const chatConnections = new Gauge({
    name: 'deepclaw_chat_connections',
    help: 'Chat connections up (Slack Socket Mode), by platform',
    labelNames: ['platform'] as const,
    registers,
  });
  return {
    deliveries: {
      delivered(outcome) {
        notifications.inc({ platform: outcome.platform, result: outcome.result });
        if (outcome.result === 'retried') retries.inc({ platform: outcome.platform, reason: outcome.reason });
        if (outcome.result === 'failed') failures.inc({ platform: outcome.platform, reason: outcome.reason });
        // Only an alert's first post measures how long people waited; edits and replies come later by design.
        if (outcome.result === 'sent' && (outcome.action === 'open' || outcome.action === 'group-open')) {
          latency.observe({ platform: outcome.platform }, Math.max(0, (outcome.acceptedAt.getTime() - outcome.openedAt.getTime()) / 1000));
        }
      },
    },
    scheduler: {
      ran(run) {
        const result = !run.ok ? 'error' : run.leader ? 'ok' : 'not_leader';
        tickDuration.observe({ job: run.job, result }, run.seconds);
        leader.set({ job: run.job }, run.leader ? 1 : 0);
        if (run.ok && run.leader) lastSuccess.set({ job: run.job }, run.finishedAt.getTime() / 1000);
      },
    },
    chatConnection(platform, up) {
      chatConnections.set({ platform }, up ? 1 : 0);
    },
  };
}
