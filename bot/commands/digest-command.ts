/** `/deepclaw digest daily 09:00 | weekly mon 09:00 | off [--skip-quiet]`: this channel's digest. */
import type { DigestSchedule } from '../digests/digest-schedule.ts';
import { describeSchedule } from '../digests/digest-schedule.ts';
import { setChannelDigest } from '../digests/channel-digest.ts';
import { message, note, text, type Reply } from '../messages/message.ts';
import { workspaceTimeZone } from '../workspaces/time-zone.ts';
import type { HandlerContext } from './command-core.ts';
import { toChannel } from './replies.ts';

export async function digestCommand(context: HandlerContext, schedule: DigestSchedule | null): Promise<Reply[]> {
  const { em, workspace, actor, requester, place, now } = context;
  await setChannelDigest(em, { workspace, channel: { platform: requester.platform, channelId: place.channelId }, schedule, actor, now });
  if (!schedule) return [toChannel(message('🗞️ This channel no longer gets a digest', text(`Set by ${requester.displayName}.`)))];
  const timeZone = await workspaceTimeZone(em, workspace.id);
  const what = schedule.cadence === 'weekly' ? 'the past seven days' : 'the day before';
  return [
    toChannel(
      message(
        `🗞️ This channel gets a digest ${describeSchedule(schedule)} (${timeZone})`,
        text(`Set by ${requester.displayName}. It covers ${what}: spend against the usual, top models, cron runs, events opened and resolved, instances not syncing.`),
        note(
          schedule.skipQuiet
            ? 'Nothing is sent for a period with nothing to say. The time zone is the workspace’s: deepclaw workspace set timezone <zone>.'
            : 'A quiet period still gets a short "all quiet"; add --skip-quiet to skip those. The time zone is the workspace’s: deepclaw workspace set timezone <zone>.',
        ),
      ),
    ),
  ];
}
