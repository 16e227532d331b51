import { expect, it } from 'vitest';
import { describeStorage, TEST_DATABASE_CONFIG } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
import { openDatabase } from '../storage/orm.ts';
import { holdLeadership } from './leadership.ts';

const logger = createLogger({ level: 'silent' });

function recordingRole(name: string) {
  const log: string[] = [];
  return {
    log,
    role: {
      name,
      async lead() {
        log.push('lead');
      },
      async resign() {
        log.push('resign');
      },
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeStorage('leadership of a long-lived role', (db) => {
  it('leads at once when nobody else does, and resigns on stop', async () => {
    const { role, log } = recordingRole('solo');
    const leadership = await holdLeadership(db().database.orm, logger, role, { retryMs: 20 });
    expect(leadership.leading).toBe(true);
    expect(log).toEqual(['lead']);
    await leadership.stop();
    expect(leadership.leading).toBe(false);
    expect(log).toEqual(['lead', 'resign']);
  });

  it('gives the lock back when the role cannot start, so another worker may try', async () => {
    let attempts = 0;
    const leadership = await holdLeadership(
      db().database.orm,
      logger,
      {
        name: 'failing',
        async lead() {
          attempts += 1;
          throw new Error('gateway refused');
        },
        async resign() {},
      },
      { retryMs: 20 },
    );
    expect(leadership.leading).toBe(false);
    await until(() => attempts >= 2);
    await leadership.stop();
  });

  it('lets exactly one of two workers lead, and the other take over when the leader stops', async () => {
    // Two workers need two database sessions: the embedded database has one session for all its
    // connections (and one process owns it), so this runs against Postgres.
    if (db().backend !== 'postgres') return;
    const second = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } });
    try {
      const first = recordingRole('shared');
      const other = recordingRole('shared');
      const leading = await holdLeadership(db().database.orm, logger, first.role, { retryMs: 20 });
      const following = await holdLeadership(second.orm, logger, other.role, { retryMs: 20 });
      expect([leading.leading, following.leading]).toEqual([true, false]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(other.log).toEqual([]);
      await leading.stop();
      await until(() => following.leading);
      expect(first.log).toEqual(['lead', 'resign']);
      expect(other.log).toEqual(['lead']);
      await following.stop();
    } finally {
      await second.close();
    }
  });

  it('stops the role when the database session holding the lock is lost', async () => {
    const { role, log } = recordingRole('cut');
    const leadership = await holdLeadership(db().database.orm, logger, role, { retryMs: 20 });
    expect(leadership.leading).toBe(true);
    await db().proxy.cut();
    try {
      await until(() => log.includes('resign'));
      expect(leadership.leading).toBe(false);
    } finally {
      await db().proxy.restore();
    }
    await until(() => leadership.leading);
    expect(log).toEqual(['lead', 'resign', 'lead']);
    await leadership.stop();
  });
});
