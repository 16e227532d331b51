import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
import { postgresSignals } from './postgres-signals.ts';
import { localSignals, type Signals } from './signals.ts';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Resolves with what `subscribe` hands its listener, once `done` says it has enough. */
function collect<T>(subscribe: (listener: (value: T) => void) => void, done: (seen: T[]) => boolean): Promise<T[]> {
  const seen: T[] = [];
  return new Promise((resolve) =>
    subscribe((value) => {
      seen.push(value);
      if (done(seen)) resolve(seen);
    }),
  );
}

describe('signals within one process', () => {
  it('hands stored snapshot ids and queued notifications to the listeners', async () => {
    const signals = localSignals();
    const ids = collect<string[]>((l) => signals.onSnapshotsStored(l), () => true);
    const queued = collect<void>((l) => signals.onNotificationsQueued(l), () => true);
    signals.snapshotsStored([uuid(1), uuid(2)]);
    signals.notificationsQueued();
    expect(await ids).toEqual([[uuid(1), uuid(2)]]);
    expect(await queued).toHaveLength(1);
    await signals.close();
  });
});

// LISTEN/NOTIFY needs a Postgres server: the embedded database's one session delivers a
// notification to the connection that sent it, not to the listener (decisions.md).
describe.each(BACKENDS.filter((backend) => backend === 'postgres'))('signals between processes [%s]', (backend) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let worker: Signals;
  let web: Signals;
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    db = await createTestDatabase(backend);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // Idle connections die when the test cuts the database; the service's pool handles this the same way.
    pool.on('error', () => {});
    worker = postgresSignals({ pool, listenUrl: db.url, logger });
    web = postgresSignals({ pool, logger });
    // The listener connects in the background; a notification it echoes back proves it is listening.
    const ready = collect<void>((l) => worker.onNotificationsQueued(l), () => true);
    worker.notificationsQueued();
    await ready;
  });
  afterAll(async () => {
    await web.close();
    await worker.close();
    await pool.end();
    await db.close();
  });

  it('carries snapshot ids from a web process to a worker, coalesced and split under the payload limit', async () => {
    const sent = Array.from({ length: 450 }, (_, i) => uuid(i));
    const received = collect<string[]>((l) => worker.onSnapshotsStored(l), (seen) => seen.flat().length >= sent.length);
    for (const id of sent) web.snapshotsStored([id]);
    const batches = await received;
    expect(batches.map((batch) => batch.length)).toEqual([200, 200, 50]);
    expect(batches.flat()).toEqual(sent);
  });

  it('carries "notifications queued", once for a burst', async () => {
    const received = collect<void>((l) => worker.onNotificationsQueued(l), () => true);
    for (let i = 0; i < 20; i++) web.notificationsQueued();
    await received;
    // A second burst is a second nudge: nothing was swallowed by the first.
    const again = collect<void>((l) => worker.onNotificationsQueued(l), () => true);
    web.notificationsQueued();
    await again;
  });

  it('starts its reconnect backoff over after a healthy connection, so a second outage is bridged in 0.5 s', async () => {
    // Its own listener, whose warnings (each with the wait before the next attempt) are read back.
    const lines: { msg: string; retryInMs?: number }[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
    const listener = postgresSignals({ pool, listenUrl: db.url, logger: createLogger({ level: 'warn', destination }) });
    const waits = () => lines.filter((line) => line.retryInMs !== undefined).map((line) => line.retryInMs);
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const listening = async () => {
      const received = collect<string[]>((l) => listener.onSnapshotsStored(l), (seen) => seen.flat().includes(uuid(4242)));
      const timer = setInterval(() => web.snapshotsStored([uuid(4242)]), 100);
      try {
        await received;
      } finally {
        clearInterval(timer);
      }
    };
    try {
      await listening();
      // A long first outage: the waits grow 0.5 s, 1 s, 2 s.
      await db.proxy.cut();
      await until(() => waits().includes(2000));
      await db.proxy.restore();
      await listening();
      // The next outage is a new one: it waits 0.5 s again, not 4 s.
      const before = waits().length;
      await db.proxy.cut();
      await until(() => waits().length > before);
      expect(waits().slice(0, 3)).toEqual([500, 1000, 2000]);
      expect(waits()[before]).toBe(500);
      await db.proxy.restore();
      await listening();
    } finally {
      await db.proxy.restore();
      await listener.close();
    }
  }, 30_000);

  it('listens again after its connection is cut, while ticks carry on', async () => {
    await db.proxy.cut();
    await db.proxy.restore();
    const received = collect<string[]>((l) => worker.onSnapshotsStored(l), (seen) => seen.flat().includes(uuid(9999)));
    // Nudges sent while the listener reconnects are lost by design; keep nudging until one lands.
    const timer = setInterval(() => web.snapshotsStored([uuid(9999)]), 200);
    try {
      await received;
    } finally {
      clearInterval(timer);
    }
  });
});
