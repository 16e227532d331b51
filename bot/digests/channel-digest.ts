/**
 * A channel's digest schedule (`/deepclaw digest daily 09:00`, `weekly mon 09:00`, `off`), kept on
 * its subscription: a digest goes where the workspace's alerts go, and unsubscribing ends both.
 * Setting it records when (`digest_since`), so a period already due is not sent the moment it is set.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { NotFoundError } from '../errors.ts';
import type { Workspace } from '../storage/entities/index.ts';
import type { ChannelAddress } from '../subscriptions/subscriptions.ts';
import type { DigestSchedule } from './digest-schedule.ts';

/** Sets (or, with null, clears) the channel's digest; the channel must be subscribed. */
export async function setChannelDigest(
  em: EntityManager,
  input: { workspace: Workspace; channel: ChannelAddress; schedule: DigestSchedule | null; actor: Actor; now: Date },
): Promise<void> {
  const { schedule } = input;
  await em.transactional(async (tx) => {
    const updated = await tx.execute<{ affectedRows: number }>(
      `update subscription set digest_cadence = ?, digest_weekday = ?, digest_minute = ?, digest_skip_quiet = ?, digest_since = ?
        where workspace_id = ? and platform = ? and channel_id = ?`,
      [
        schedule?.cadence ?? null,
        schedule?.weekday ?? null,
        schedule?.minuteOfDay ?? null,
        schedule?.skipQuiet ?? false,
        schedule ? input.now : null,
        input.workspace.id,
        input.channel.platform,
        input.channel.channelId,
      ],
      'run',
    );
    if (updated.affectedRows === 0) {
      throw new NotFoundError(
        'not_subscribed',
        `this channel does not receive workspace "${input.workspace.name}"'s alerts, and a digest goes where they go: /deepclaw subscribe here first (with kinds, like subscribe stale, for fewer alerts).`,
      );
    }
    recordAudit(tx, {
      action: 'channel.digest',
      actor: input.actor,
      workspace: input.workspace,
      subject: `${input.channel.platform}:${input.channel.channelId}`,
      details: { schedule },
      at: input.now,
    });
  });
}
