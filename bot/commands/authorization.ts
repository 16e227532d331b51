/**
 * Who may do what in chat. Pure: the platform says whether someone is one of its admins, the
 * operator's DEEPCLAW_ADMINS allowlist adds people, and each subcommand names what it needs.
 */
import type { Permission } from './grammar.ts';
import type { Requester } from './command-request.ts';

export function isDeepClawAdmin(requester: Requester, allowlist: ReadonlySet<string>): boolean {
  return requester.isPlatformAdmin || allowlist.has(`${requester.platform}:${requester.userId}`);
}

/**
 * `link` needs the chat platform's own admin, allowlist or not: attaching a chat to a workspace is
 * the chat owner's decision (the code already proves the DeepClaw side agreed).
 */
export function isAllowed(permission: Permission, requester: Requester, allowlist: ReadonlySet<string>): boolean {
  if (permission === 'anyone') return true;
  if (permission === 'platform-admin') return requester.isPlatformAdmin;
  return isDeepClawAdmin(requester, allowlist);
}

const PLATFORM_ADMINS: Record<string, string> = {
  slack: 'Slack workspace admins and owners',
  discord: 'members with Manage Server or Administrator',
  telegram: 'the chat’s creator and administrators',
};

/** A polite refusal that says who can do it instead. */
export function refusal(permission: Permission, requester: Requester, what: string): string {
  const platformAdmins = PLATFORM_ADMINS[requester.platform] ?? 'the chat’s admins';
  if (permission === 'platform-admin') return `Sorry, only ${platformAdmins} can ${what}. Nothing was changed.`;
  return `Sorry, only DeepClaw admins can ${what}: ${platformAdmins}, and people listed in DEEPCLAW_ADMINS. Nothing was changed.`;
}
