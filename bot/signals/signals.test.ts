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
