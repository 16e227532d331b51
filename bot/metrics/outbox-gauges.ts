/**
 * The notification outbox as gauges, read from the database at scrape time: how many rows wait,
 * in which state, and how old the oldest is, per platform. Only pending rows are counted — they
 * are what the partial index `notification_due` covers, so a scrape stays an index scan however
 * much history (sent rows) the table holds; sent and failed rows are counted as they happen by
 * `deepclaw_notifications_total`.
 */
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

/** Longest a scrape waits for the database before it reports the outbox as unreadable. */
const QUERY_TIMEOUT_MS = 2000;

export function registerOutboxGauges(registry: Registry, pool: Pool): void {
  const registers = [registry];
  // A scrape collects every gauge at once: the three share one read of the table.
  let inFlight: Promise<OutboxRow[] | undefined> | undefined;
  const read = () => {
    inFlight ??= withTimeout(readOutbox(pool), QUERY_TIMEOUT_MS)
      .catch(() => undefined)
      .finally(() => setImmediate(() => (inFlight = undefined)));
    return inFlight;
  };
  new Gauge({
    name: 'deepclaw_notification_outbox',
    help: 'Notifications not yet delivered, by platform and state: due (to send now), claimed (a worker is sending it), backing_off (waiting for its next attempt), held (its subscription is disabled)',
    labelNames: ['platform', 'state'] as const,
    registers,
    // Every process reads the same table: summing over processes would count it N times.
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const row of (await read()) ?? []) this.set({ platform: row.platform, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: 'deepclaw_notification_outbox_oldest_pending_seconds',
    help: 'Age of the oldest notification not yet delivered, by platform',
    labelNames: ['platform'] as const,
    registers,
    aggregator: 'max',
    async collect() {
      this.reset();
      const oldest = new Map<string, number>();
      for (const row of (await read()) ?? []) oldest.set(row.platform, Math.max(oldest.get(row.platform) ?? 0, row.oldest_seconds));
      for (const [platform, seconds] of oldest) this.set({ platform }, seconds);
    },
  });
  new Gauge({
    name: 'deepclaw_notification_outbox_readable',
    help: '1 when the outbox gauges were read from the database at this scrape, 0 when the read failed (they are then absent)',
    registers,
    aggregator: 'min',
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}

interface OutboxRow {
  platform: string;
  state: string;
  count: number;
  oldest_seconds: number;
}

async function readOutbox(pool: Pool): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>(
    `select s.platform,
            case when s.disabled_at is not null then 'held'
                 when n.claimed_until > now() then 'claimed'
                 when n.next_attempt_at <= now() then 'due'
                 else 'backing_off' end as state,
            count(*)::int as count,
            coalesce(extract(epoch from now() - min(n.created_at)), 0)::float8 as oldest_seconds
       from notification n join subscription s on s.id = n.subscription_id
      where n.state = 'pending'
      group by 1, 2`,
  );
  return rows;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
