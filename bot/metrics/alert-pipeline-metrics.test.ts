/**
 * The alert pipeline's metrics as a scrape sees them: the outbox read from the database, each
 * delivery outcome counted by platform, the latency of an alert's first post, and each job's
 * runs through the real scheduler.
 */
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { parsePrometheusText, valueOf } from '../../test/support/prometheus-text.ts';
import { DeliveryError, recordingAdapter } from '../../test/support/recording-adapter.ts';
import { applyDecisions } from '../events/event-store.ts';
import { createLogger } from '../logger.ts';
import { DEFAULT_DELIVERY, deliverDue } from '../notifications/deliver.ts';
import { enqueueNotifications } from '../notifications/enqueue.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createAlertPipelineMetrics, registerBuildInfo } from './alert-pipeline-metrics.ts';

describeStorage('alert pipeline metrics', (db) => {
  const em = () => db().database.orm.em.fork();
  const pool = async (): Promise<Pool> => db().database.orm.em.getConnection().getNativeClient();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  let counter = 0;

  /** A workspace of its own, one instance, a channel on `platform`, and an alert opened `openedSecondsAgo` ago and queued. */
  async function queuedAlert(platform: string, openedSecondsAgo: number) {
    const n = ++counter;
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', `metrics-${n}`], env);
    await cli(['instance', 'add', `metrics-vps-${n}`, '--workspace', `metrics-${n}`], env);
    const [row] = await sql<{ id: string; workspace_id: string }>('select id, workspace_id from instance where name = ?', [`metrics-vps-${n}`]);
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, ?, 'C-OPS', now(), 'test')`, [
      row!.workspace_id,
      platform,
    ]);
    const openedAt = new Date(Date.now() - openedSecondsAgo * 1000);
    const changes = await applyDecisions(em(), row!.id, 'stale', [{ action: 'open', key: 'agent', summary: 'last sync 17 min ago', details: {} }], openedAt);
    await enqueueNotifications(em(), changes, openedAt);
  }

  async function setup() {
    const registry = new Registry();
    registerBuildInfo(registry);
    const metrics = createAlertPipelineMetrics(registry, await pool());
    const scrape = async () => parsePrometheusText(await registry.metrics());
    return { metrics, scrape };
  }

  it('shows the outbox from the database, then the delivery and its latency', async () => {
    const { metrics, scrape } = await setup();
    await queuedAlert('metrics-a', 42);
    let samples = await scrape();
    expect(valueOf(samples, 'deepclaw_notification_outbox_readable')).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_outbox', { platform: 'metrics-a', state: 'due' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_outbox_oldest_pending_seconds', { platform: 'metrics-a' })).toBeGreaterThanOrEqual(41);

    const adapter = recordingAdapter('metrics-a');
    const report = await deliverDue(await pool(), new Map([['metrics-a', adapter]]), new Date(), { ...DEFAULT_DELIVERY, observer: metrics.deliveries });
    expect(report.sent).toBe(1);
    samples = await scrape();
    expect(valueOf(samples, 'deepclaw_notification_outbox', { platform: 'metrics-a' })).toBeUndefined();
    expect(valueOf(samples, 'deepclaw_notification_outbox_oldest_pending_seconds', { platform: 'metrics-a' })).toBeUndefined();
    expect(valueOf(samples, 'deepclaw_notifications_total', { platform: 'metrics-a', result: 'sent' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_alert_delivery_latency_seconds_count', { platform: 'metrics-a' })).toBe(1);
    // Opened 42 s before it was posted: counted in the 60 s bucket, not the 30 s one.
    expect(valueOf(samples, 'deepclaw_alert_delivery_latency_seconds_bucket', { platform: 'metrics-a', le: '30' })).toBe(0);
    expect(valueOf(samples, 'deepclaw_alert_delivery_latency_seconds_bucket', { platform: 'metrics-a', le: '60' })).toBe(1);
    const build = samples.find((s) => s.name === 'deepclaw_build_info');
    expect(build?.value).toBe(1);
    expect(build?.labels.version).toBe('0.1.0');
    expect(build?.labels.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });

  it('counts retries and failures by platform and reason, and shows the row backing off', async () => {
    const { metrics, scrape } = await setup();
    await queuedAlert('metrics-b', 1);
    const adapter = recordingAdapter('metrics-b');
    const adapters = new Map([['metrics-b', adapter]]);
    const options = { ...DEFAULT_DELIVERY, observer: metrics.deliveries, maxAttempts: 2 };
    adapter.failNext.push(new DeliveryError('transient', 'socket hang up'));
    await deliverDue(await pool(), adapters, new Date(), options);
    let samples = await scrape();
    expect(valueOf(samples, 'deepclaw_notifications_total', { platform: 'metrics-b', result: 'retried' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_retries_total', { platform: 'metrics-b', reason: 'transient' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_outbox', { platform: 'metrics-b', state: 'backing_off' })).toBe(1);

    adapter.failNext.push(new DeliveryError('permanent', 'channel_not_found'));
    await deliverDue(await pool(), adapters, new Date(Date.now() + 3600_000), options);
    samples = await scrape();
    expect(valueOf(samples, 'deepclaw_notifications_total', { platform: 'metrics-b', result: 'failed' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_failures_total', { platform: 'metrics-b', reason: 'permanent' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_notification_outbox', { platform: 'metrics-b' })).toBeUndefined();
  });

  it('times each job\'s runs, and shows its leader and its last success', async () => {
    const { metrics, scrape } = await setup();
    const scheduler = new Scheduler(
      db().database.orm,
      createLogger({ level: 'silent' }),
      [
        { name: 'metrics-ok', schedule: '0 0 1 1 *', runsOn: 'one-worker', run: async () => {} },
        { name: 'metrics-broken', schedule: '0 0 1 1 *', runsOn: 'one-worker', run: async () => Promise.reject(new Error('boom')) },
      ],
      metrics.scheduler,
    );
    const before = Date.now() / 1000;
    await scheduler.runNow('metrics-ok');
    await scheduler.runNow('metrics-broken');
    await scheduler.stop();
    const samples = await scrape();
    expect(valueOf(samples, 'deepclaw_scheduler_tick_duration_seconds_count', { job: 'metrics-ok', result: 'ok' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_scheduler_tick_duration_seconds_count', { job: 'metrics-broken', result: 'error' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_scheduler_leader', { job: 'metrics-ok' })).toBe(1);
    expect(valueOf(samples, 'deepclaw_scheduler_last_success_timestamp_seconds', { job: 'metrics-ok' })).toBeGreaterThanOrEqual(Math.floor(before));
    expect(valueOf(samples, 'deepclaw_scheduler_last_success_timestamp_seconds', { job: 'metrics-broken' })).toBeUndefined();
  });

  it('reports a chat connection going up and down', async () => {
    const { metrics, scrape } = await setup();
    metrics.chatConnection('slack', true);
    expect(valueOf(await scrape(), 'deepclaw_chat_connections', { platform: 'slack' })).toBe(1);
    metrics.chatConnection('slack', false);
    expect(valueOf(await scrape(), 'deepclaw_chat_connections', { platform: 'slack' })).toBe(0);
  });
});
