import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { ackEvent, applyDecisions, openEventsByInstance } from './event-store.ts';

const NOW = new Date('2026-11-21T12:00:00Z');

describeStorage('event lifecycle', (db) => {
  const em = () => db().database.orm.em.fork();
  let counter = 0;
  async function instanceId(): Promise<string> {
    const name = `ev-${++counter}`;
    await cli(['instance', 'add', name], { env: { DATABASE_URL: db().url } });
    const [row] = await em().getConnection().execute<{ id: string }[]>('select id from instance where name = ?', [name]);
    return row!.id;
  }
  const open = { action: 'open', key: 'agent', summary: 'last sync 17 min ago, expected every 5 min', details: { silentSeconds: 1020 } } as const;
  const resolve = { action: 'resolve', key: 'agent', summary: 'syncing again after 20 min of silence', details: {} } as const;

  it('opens one event, which the next evaluation sees as open', async () => {
    const id = await instanceId();
    const changes = await applyDecisions(em(), id, 'stale', [open], NOW);
    expect(changes).toEqual([expect.objectContaining({ change: 'opened', kind: 'stale', key: 'agent', summary: open.summary })]);
    const openEvents = (await openEventsByInstance(em(), [id])).get(id)?.get('stale');
    expect(openEvents?.get('agent')).toMatchObject({ openedAt: NOW, details: { silentSeconds: 1020 } });
  });

  it('opens exactly one event when two workers decide to open at the same moment', async () => {
    const id = await instanceId();
    const results = await Promise.all([applyDecisions(em(), id, 'stale', [open], NOW), applyDecisions(em(), id, 'stale', [open], NOW)]);
    expect(results.flat().filter((c) => c.change === 'opened')).toHaveLength(1);
    const [row] = await em().getConnection().execute<{ n: number }[]>("select count(*)::int as n from event where instance_id = ? and kind = 'stale'", [id]);
    expect(row!.n).toBe(1);
  });

  it('resolves exactly once when two workers resolve at the same moment, and allows a new open after', async () => {
    const id = await instanceId();
    await applyDecisions(em(), id, 'stale', [open], NOW);
    const results = await Promise.all([applyDecisions(em(), id, 'stale', [resolve], NOW), applyDecisions(em(), id, 'stale', [resolve], NOW)]);
    expect(results.flat().filter((c) => c.change === 'resolved')).toHaveLength(1);
    expect((await openEventsByInstance(em(), [id])).get(id)?.get('stale')).toBeUndefined();
    expect(await applyDecisions(em(), id, 'stale', [open], NOW)).toHaveLength(1);
  });

  it('keeps one open event per key and kind, independently', async () => {
    const id = await instanceId();
    const changes = await applyDecisions(
      em(),
      id,
      'cron-failed',
      [
        { action: 'open', key: 'job-1', summary: 'a', details: {} },
        { action: 'open', key: 'job-2', summary: 'b', details: {} },
      ],
      NOW,
    );
    expect(changes).toHaveLength(2);
    expect(await applyDecisions(em(), id, 'stale', [open], NOW)).toHaveLength(1);
  });

  it('refreshes the figures of an event that stays open', async () => {
    const id = await instanceId();
    await applyDecisions(em(), id, 'stale', [open], NOW);
    await applyDecisions(em(), id, 'stale', [{ action: 'keep', key: 'agent', details: { silentSeconds: 2000 } }], NOW);
    expect((await openEventsByInstance(em(), [id])).get(id)?.get('stale')?.get('agent')?.details).toEqual({ silentSeconds: 2000 });
  });

  it('holds a flapping key open with one notice, and resolves it once it has been steady for an hour', async () => {
    const id = await instanceId();
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
    const flip = async (minute: number) => {
      await applyDecisions(em(), id, 'stale', [open], at(minute));
      return applyDecisions(em(), id, 'stale', [resolve], at(minute + 5));
    };
    expect((await flip(0)).map((c) => c.change)).toEqual(['resolved']);
    expect((await flip(10)).map((c) => c.change)).toEqual(['resolved']);
    expect((await flip(20)).map((c) => c.change)).toEqual(['flapping']);
    await applyDecisions(em(), id, 'stale', [{ action: 'keep', key: 'agent', details: { silentSeconds: 60 } }], at(30));
    expect(await applyDecisions(em(), id, 'stale', [resolve], at(40))).toEqual([]);
    expect((await openEventsByInstance(em(), [id])).get(id)?.get('stale')?.get('agent')?.details).toMatchObject({ flapping: true });
    expect((await applyDecisions(em(), id, 'stale', [resolve], at(86))).map((c) => c.change)).toEqual(['resolved']);
  });

  it('acks an open event once; an acked event still resolves', async () => {
    const id = await instanceId();
    const [opened] = await applyDecisions(em(), id, 'stale', [open], NOW);
    expect(await ackEvent(em(), opened!.eventId, 'slack:U0B0B', NOW)).toBe(true);
    expect(await ackEvent(em(), opened!.eventId, 'slack:U0B0B', NOW)).toBe(false);
    expect(await applyDecisions(em(), id, 'stale', [resolve], NOW)).toEqual([expect.objectContaining({ change: 'resolved' })]);
  });
});
