/**
 * Signals between processes through Postgres LISTEN/NOTIFY: any web process can nudge every
 * worker, with no broker beyond the database already there.
 *
 * - Sending is coalesced: ids marked within `flushMs` go out as one NOTIFY (split to stay under
 *   Postgres's 8000-byte payload limit), so a burst of snapshots costs a few statements, not one
 *   each, and never touches ingest's own transaction.
 * - Listening holds one dedicated connection outside the pool. When it drops, it reconnects with
 *   backoff; nudges sent meanwhile are lost, which only means the next tick does that work.
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Signals } from './signals.ts';

const SNAPSHOTS = 'deepclaw_snapshots';
const NOTIFICATIONS = 'deepclaw_notifications';
/** Under NOTIFY's 8000-byte limit: 200 uuids and their commas take 7,399 bytes. */
const IDS_PER_NOTIFY = 200;

export interface PostgresSignalsOptions {
  /** Sends the NOTIFYs (the service's pool). */
  pool: pg.Pool;
  /** Where the listening connection goes; undefined for a process that only sends (web). */
  listenUrl?: string;
  logger: Logger;
  flushMs?: number;
}

export function postgresSignals(options: PostgresSignalsOptions): Signals {
  const flushMs = options.flushMs ?? 50;
  const snapshotListeners: ((ids: string[]) => void)[] = [];
  const notificationListeners: (() => void)[] = [];
  let pendingIds = new Set<string>();
  let notificationsPending = false;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let closed = false;
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const flush = async () => {
    timer = undefined;
    const ids = [...pendingIds];
    pendingIds = new Set();
    const notify = notificationsPending;
    notificationsPending = false;
    for (let start = 0; start < ids.length; start += IDS_PER_NOTIFY) {
      await options.pool.query('select pg_notify($1, $2)', [SNAPSHOTS, ids.slice(start, start + IDS_PER_NOTIFY).join(',')]);
    }
    if (notify) await options.pool.query('select pg_notify($1, $2)', [NOTIFICATIONS, '']);
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      sending = sending.then(flush).catch((error: unknown) => options.logger.warn({ err: error }, 'could not send a signal; the next tick does the work'));
    }, flushMs);
  };

  const listen = async (attempt: number) => {
    if (closed || !options.listenUrl) return;
    const client = new pg.Client({ connectionString: options.listenUrl, application_name: 'deepclaw-signals' });
    // Once this connection has listened, its loss is a new outage: the backoff starts over.
    let listened = false;
    const retry = (error: unknown) => {
      client.removeAllListeners();
      client.on('error', () => {});
      void client.end().catch(() => {});
      if (listener === client) listener = undefined;
      if (closed) return;
      const failures = listened ? 0 : attempt;
      const delayMs = reconnectDelayMs(failures);
      options.logger.warn({ err: error, retryInMs: delayMs }, 'signal connection lost; ticks carry on meanwhile');
      reconnectTimer = setTimeout(() => void listen(failures + 1), delayMs);
    };
    client.on('error', retry);
    client.on('notification', (message) => {
      if (message.channel === SNAPSHOTS && message.payload) {
        const ids = message.payload.split(',');
        for (const handle of snapshotListeners) handle(ids);
      } else if (message.channel === NOTIFICATIONS) {
        for (const handle of notificationListeners) handle();
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${SNAPSHOTS}`);
      await client.query(`listen ${NOTIFICATIONS}`);
      listener = client;
      listened = true;
      // A connection that ends cleanly (server restart) is lost too.
      client.on('end', () => retry(new Error('connection ended')));
      if (closed) await client.end();
    } catch (error) {
      retry(error);
    }
  };
  void listen(0);

  return {
    snapshotsStored(instanceIds) {
      for (const id of instanceIds) pendingIds.add(id);
      schedule();
    },
    notificationsQueued() {
      notificationsPending = true;
      schedule();
    },
    onSnapshotsStored: (handle) => void snapshotListeners.push(handle),
    onNotificationsQueued: (handle) => void notificationListeners.push(handle),
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      if (timer) {
        clearTimeout(timer);
        sending = sending.then(flush).catch(() => {});
      }
      await sending;
      const client = listener;
      listener = undefined;
      client?.removeAllListeners();
      client?.on('error', () => {});
      await client?.end().catch(() => {});
    },
  };
}

/** Wait before reconnect attempt `failures` + 1 of one outage: 0.5 s, doubling, at most 30 s. */
export function reconnectDelayMs(failures: number): number {
  return Math.min(30_000, 500 * 2 ** failures);
}
