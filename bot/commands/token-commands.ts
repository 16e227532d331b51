/**
 * The commands that hand out or take away credentials: `rotate-token`, `add`, `revoke`. A token
 * only ever travels in a reply addressed to the requester (`code(…, secret)` marks it, so an
 * adapter can refuse to put it anywhere else); the channel gets a note of what happened and who
 * did it, never the token.
 */
import { toDurationText } from '../duration.ts';
import { addInstance } from '../instances/instances.ts';
import { code, message, note, text, type Reply } from '../messages/message.ts';
import { recordRotationFollowUp } from '../tokens/rotation-follow-ups.ts';
import { revokeSyncTokens, rotateSyncToken } from '../tokens/sync-tokens.ts';
import type { HandlerContext } from './command-core.ts';
import { installInstructions } from './install-instructions.ts';
import { toChannel, toRequester } from './replies.ts';
import { utcTime } from '../human-format.ts';


export async function rotateTokenCommand(context: HandlerContext, instanceName: string, graceSeconds?: number): Promise<Reply[]> {
  const { em, workspace, actor, requester, place, now } = context;
  const rotated = await rotateSyncToken(em, { workspace, instanceName, graceSeconds, actor, now });
  const { instance, token } = rotated;
  // The token is already rotated: a failure to schedule the follow-up must not lose it.
  const followUp = await recordRotationFollowUp(em, {
    instanceId: instance.id,
    intervalSeconds: instance.intervalSeconds,
    token,
    place: { platform: requester.platform, channelId: place.channelId, threadRef: place.threadRef },
    requestedBy: actor.id,
    rotatedAt: now,
  }).then(
    () => true,
    () => false,
  );
  const oldTokens = rotated.retired.map((r) => r.visibleId).join(', ');
  const oldTokenFate =
    rotated.retired.length === 0
      ? 'It had no working token before.'
      : graceSeconds
        ? `The old token (${oldTokens}) keeps working until ${utcTime(rotated.retired[0]!.worksUntil)}.`
        : `The old token (${oldTokens}) stopped working just now.`;
  return [
    toRequester(
      message(
        `New sync token for ${instance.name}`,
        text(`Only you can see this. ${oldTokenFate}`),
        code(token, true),
        text("On that host, replace the agent's token (its --token-file, usually ~/.config/deepclaw/token, or DEEPCLAW_SYNC_TOKEN):"),
        code('( umask 077 && cat > ~/.config/deepclaw/token )   # paste, Enter, Ctrl-D'),
        note('Shown this once; only its hash is kept.'),
      ),
    ),
    toChannel(
      message(
        `🔑 Sync token of ${instance.name} rotated by ${requester.displayName}`,
        text(`${oldTokenFate} The new token was sent to ${requester.displayName} privately.`),
        note(
          followUp
            ? `DeepClaw will post here once ${instance.name} syncs with it, or if it has not within ${toDurationText(2 * instance.intervalSeconds)}.`
            : `Check /deepclaw status ${instance.name} for its next sync.`,
        ),
      ),
    ),
  ];
}

export async function addCommand(context: HandlerContext, name: string, intervalSeconds?: number): Promise<Reply[]> {
  const { em, workspace, actor, requester, now, deps } = context;
  const { instance, token } = await addInstance(em, { workspace, name, intervalSeconds, actor, now });
  const instructions = installInstructions({ publicUrl: deps.publicUrl, token, intervalSeconds: instance.intervalSeconds, agentSha256: await deps.agentSha256() });
  return [
    toRequester(message(`Added ${instance.name}: install its agent`, text('Only you can see this.'), ...instructions)),
    toChannel(
      message(
        `➕ Instance ${instance.name} added by ${requester.displayName}`,
        text(`It is expected to sync every ${toDurationText(instance.intervalSeconds)}; its token and install steps were sent to ${requester.displayName} privately.`),
      ),
    ),
  ];
}

export async function revokeCommand(context: HandlerContext, instanceName: string): Promise<Reply[]> {
  const { em, workspace, actor, requester, now } = context;
  const revoked = await revokeSyncTokens(em, { workspace, instanceName, actor, now });
  return [
    toChannel(
      message(
        `⛔ Sync tokens of ${instanceName} revoked by ${requester.displayName}`,
        text(`${revoked.join(', ')} stopped working just now: ${instanceName} cannot sync until an admin runs /deepclaw rotate-token ${instanceName}.`),
      ),
    ),
  ];
}
