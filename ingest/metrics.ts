/**
 * Prometheus metrics for one process: Node's process metrics, request durations by route and
 * status, and ingest's own counters. A registry per app (not prom-client's global) keeps tests and
 * several apps apart.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  snapshotsAccepted: Counter<'replay'>;
  snapshotsRejected: Counter<'reason'>;
  ingestDuration: Histogram<'result'>;
  secretsDetected: Counter<'kind'>;
  sourcesThrottled: Counter;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requestDuration: new Histogram({
      name: 'deepclaw_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    snapshotsAccepted: new Counter({
      name: 'deepclaw_snapshots_accepted_total',
      help: 'Snapshots accepted (replay="true" for a repeated snapshotId that wrote nothing)',
      labelNames: ['replay'] as const,
      registers,
    }),
    snapshotsRejected: new Counter({
      name: 'deepclaw_snapshots_rejected_total',
      help: 'Snapshots refused, by the stable error code of the answer',
      labelNames: ['reason'] as const,
      registers,
    }),
    ingestDuration: new Histogram({
      name: 'deepclaw_ingest_duration_seconds',
      help: 'Time from request to answer for POST /v1/snapshots',
      labelNames: ['result'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    secretsDetected: new Counter({
      name: 'deepclaw_snapshot_secrets_detected_total',
      help: 'Snapshots refused because a string looked like a credential, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    sourcesThrottled: new Counter({
      name: 'deepclaw_ingest_sources_throttled_total',
      help: 'Times a client address crossed the limit of refused sync tokens (its requests then need a working token)',
      registers,
    }),
  };
}
