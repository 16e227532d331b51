import { beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { hashSyncToken } from '../tokens/sync-token-format.ts';
import { DEFAULT_STORE_OPTIONS, SnapshotStore } from './snapshot-store.ts';

describeStorage('snapshot store', (db) => {
  let stores: SnapshotStore[] = [];
  let tokenHash = '';
  beforeAll(async () => {
    const pool = await db().database.orm.em.getConnection().getNativeClient();
    // Two stores on one database are two web processes: their statements run side by side.
    stores = [0, 1].map(() => new SnapshotStore(pool, DEFAULT_STORE_OPTIONS));
    tokenHash = hashSyncToken((await cli(['instance', 'add', 'twice', '--json'], { env: { DATABASE_URL: db().url } })).json().token);
  });

  it('answers a copy stored by another process at the same moment with that first answer', async () => {
    for (let round = 0; round < 10; round++) {
      const snapshot = buildSnapshot();
      const receivedAt = new Date();
      const outcomes = await Promise.all(
        stores.flatMap((store, i) =>
          [0, 1, 2].map((j) =>
            store.store({ tokenHash, snapshot, receivedAt, nextSyncBefore: new Date(receivedAt.getTime() + 600_000 + i * 1000 + j) }),
          ),
        ),
      );
      const answers = new Set(outcomes.map((outcome) => (outcome.stored ? outcome.nextSyncBefore.toISOString() : outcome.reason)));
      expect(answers.size).toBe(1);
      expect(outcomes.filter((outcome) => outcome.stored && !outcome.replay)).toHaveLength(1);
    }
  });
});
