/**
 * `/deepclaw dashboard`: a one-time sign-in link for the person asking, sent only to them (Slack
 * ephemeral, Discord ephemeral, Telegram DM — the link is marked secret, so no adapter posts it
 * in a channel). The session it starts has the role they have now: admin when the platform says
 * they are one or DEEPCLAW_ADMINS lists them, viewer otherwise.
 */
import { issueSignInLink } from '../dashboard/sign-in-links.ts';
import { utcTime } from '../human-format.ts';
import { code, message, note, text, type Reply } from '../messages/message.ts';
import { isDeepClawAdmin } from './authorization.ts';
import type { HandlerContext } from './command-core.ts';
import { toRequester } from './replies.ts';

export async function dashboardCommand(context: HandlerContext): Promise<Reply[]> {
  const { em, workspace, actor, requester, now, deps } = context;
  const role = isDeepClawAdmin(requester, deps.chatAdmins) ? 'admin' : 'viewer';
  const link = await issueSignInLink(em, { workspace, role, actor, personName: requester.displayName, now });
  return [
    toRequester(
      message(
        'Your DeepClaw dashboard sign-in link',
        text(`Only you can see this. It signs you in to workspace "${workspace.name}" as ${role === 'admin' ? 'an admin' : 'a viewer'}, works once, and expires at ${utcTime(link.expiresAt)}.`),
        code(`${deps.publicUrl}${link.path}`, true),
        note('Do not forward it: whoever opens it first is signed in as you.'),
      ),
    ),
  ];
}
