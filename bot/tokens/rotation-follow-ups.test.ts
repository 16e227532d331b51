import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { ALICE_AT_CLI, minutesAfter, NOON } from '../../test/support/personas.ts';
import { DeliveryError, recordingAdapter } from '../../test/support/recording-adapter.ts';
import { addInstance } from '../instances/instances.ts';
import { backoffSeconds, deliverDue } from '../notifications/deliver.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { queueRotationFollowUps, recordRotationFollowUp } from './rotation-follow-ups.ts';
import { rotateSyncToken } from './sync-tokens.ts';

describeStorage('rotation follow-ups', (db) => {
  const em = () => db().database.orm.em.fork();
  const pool = () => db().database.orm.em.getConnection().getNativeClient();
  const secondsAfter = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

  it('are delivered through the outbox, and retried with its policy after a transient platform error', async () => {
    const workspace = await findWorkspace(em());
    await addInstance(em(), { workspace, name: 'vps-follow', intervalSeconds: 300, actor: ALICE_AT_CLI, now: NOON });
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: 'vps-follow', actor: ALICE_AT_CLI, now: NOON });
    await recordRotationFollowUp(em(), {
      instanceId: rotated.instance.id,
      intervalSeconds: 300,
      token: rotated.token,
      place: { platform: 'follow', channelId: 'C-ROTATE' },
      requestedBy: 'slack:U0B0B',
      rotatedAt: NOON,
    });
    const adapter = recordingAdapter('follow');
    const adapters = new Map([['follow', adapter]]);
    const overdueAt = minutesAfter(NOON, 10);

    expect(await queueRotationFollowUps(em(), ['follow'], overdueAt)).toEqual({ synced: 0, overdue: 1 });
    // Queued once: a second run (or a second worker) finds it said.
    expect(await queueRotationFollowUps(em(), ['follow'], overdueAt)).toEqual({ synced: 0, overdue: 0 });

    adapter.failNext.push(new DeliveryError('transient', 'ECONNRESET'));
    expect(await deliverDue(await pool(), adapters, overdueAt)).toMatchObject({ sent: 0, retried: 1 });
    const [row] = await db().database.orm.em.getConnection().execute<{ action: string; attempts: number; last_error: string; next_attempt_at: string }[]>(
      `select action, attempts, last_error, next_attempt_at from notification where channel_id = 'C-ROTATE'`,
    );
    expect(row).toMatchObject({ action: 'notice', attempts: 1, last_error: 'ECONNRESET' });
    // The outbox's backoff: 5 s ±20 % after the first attempt (the follow-ups' own 10·2ⁿ is gone).
    const waitMs = new Date(row!.next_attempt_at).getTime() - overdueAt.getTime();
    expect(waitMs).toBeGreaterThanOrEqual(backoffSeconds(1, () => 0) * 1000);
    expect(waitMs).toBeLessThanOrEqual(backoffSeconds(1, () => 1) * 1000);
    expect(await deliverDue(await pool(), adapters, secondsAfter(overdueAt, 3))).toMatchObject({ sent: 0 });
    expect(await deliverDue(await pool(), adapters, secondsAfter(overdueAt, 6))).toMatchObject({ sent: 1 });
    expect(adapter.calls).toEqual([
      { call: 'post', channelId: 'C-ROTATE', message: expect.objectContaining({ title: '⚠️ vps-follow has not synced with its new token yet (10 min after the rotation)' }) },
    ]);
    expect(await deliverDue(await pool(), adapters, secondsAfter(overdueAt, 60))).toMatchObject({ sent: 0, retried: 0 });
  });

  it('reply in the thread the command was typed in', async () => {
    const workspace = await findWorkspace(em());
    await addInstance(em(), { workspace, name: 'vps-thread', intervalSeconds: 300, actor: ALICE_AT_CLI, now: NOON });
    const rotated = await rotateSyncToken(em(), { workspace, instanceName: 'vps-thread', actor: ALICE_AT_CLI, now: NOON });
    const threadRef = { channel: 'C-THREAD', ts: '1700000000.000100' };
    await recordRotationFollowUp(em(), {
      instanceId: rotated.instance.id,
      intervalSeconds: 300,
      token: rotated.token,
      place: { platform: 'thread', channelId: 'C-THREAD', threadRef },
      requestedBy: 'slack:U0B0B',
      rotatedAt: NOON,
    });
    await db().database.orm.em.getConnection().execute(`update sync_token set first_used_at = ? where instance_id = ? and revoked_at is null`, [minutesAfter(NOON, 2), rotated.instance.id]);
    const adapter = recordingAdapter('thread');
    expect(await queueRotationFollowUps(em(), ['thread'], minutesAfter(NOON, 3))).toEqual({ synced: 1, overdue: 0 });
    expect(await deliverDue(await pool(), new Map([['thread', adapter]]), minutesAfter(NOON, 3))).toMatchObject({ sent: 1 });
    expect(adapter.calls).toEqual([{ call: 'reply', ref: threadRef, text: expect.stringMatching(/^✅ vps-thread synced with its new token at 12:02 UTC\n/) }]);
  });
});
