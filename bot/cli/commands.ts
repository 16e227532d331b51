/**
 * What each admin CLI command does: one entry per command, each a thin call into the core
 * services plus its human and `--json` output.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { toTerminalText } from '../../adapters/console/terminal-text.ts';
import type { Actor } from '../actor.ts';
import { agentBundleSha256 } from '../agent-bundle.ts';
import { listAudit } from '../audit/audit-log.ts';
import { ackCommand, findUnresolvedEvent } from '../commands/alert-commands.ts';
import { answerCommand, type HandlerContext } from '../commands/command-core.ts';
import { parseCommand } from '../commands/grammar.ts';
import type { Config } from '../config.ts';
import { DurationError, toDurationText, toSeconds } from '../duration.ts';
import { InvalidInputError } from '../errors.ts';
import { listEvents } from '../events/event-store.ts';
import { setMute } from '../events/mutes.ts';
import { formatThresholdValue, listThresholds, setThreshold } from '../events/thresholds.ts';
import { addInstance, findInstance, listInstances, removeInstance, setInstancePaused } from '../instances/instances.ts';
import { createLinkCode } from '../links/link-codes.ts';
import { listSessions, revokeSessions } from '../dashboard/sessions.ts';
import { parseSettingValue, setWorkspaceSetting, SETTINGS, workspaceSettings } from '../dashboard/settings.ts';
import { issueSignInLink } from '../dashboard/sign-in-links.ts';
import { repliesToTerminalText } from '../../adapters/console/terminal-message.ts';
import { TELEGRAM_COMMANDS } from '../../adapters/telegram/telegram-cli.ts';
import type { Reply } from '../messages/message.ts';
import { fleetStatus } from '../status/fleet-status.ts';
import { digestText, enableSubscription, listSubscriptions, parseChannelAddress } from '../subscriptions/subscriptions.ts';
import { describeMention } from '../subscriptions/mention-target.ts';
import { instanceStatus } from '../status/instance-status.ts';
import type { Workspace } from '../storage/entities/index.ts';
import type { Orm } from '../storage/orm.ts';
import { checkSyncToken, revokeSyncTokens, rotateSyncToken } from '../tokens/sync-tokens.ts';
import { setWorkspaceTimeZone } from '../workspaces/time-zone.ts';
import { createWorkspace, findWorkspace, listWorkspaces } from '../workspaces/workspaces.ts';
import { json, table, timestamp } from './output.ts';
import type { CliIo } from './run-cli.ts';

export interface CommandOptions {
  json: boolean;
  /** `--yes`: confirmed beforehand, for commands that ask. */
  yes?: boolean;
  workspace?: string;
  instance?: string;
  intervalSeconds?: number;
  graceSeconds?: number;
  limit?: number;
  /** `events --open`: unresolved ones only. */
  open?: boolean;
}

export interface CommandContext {
  em: EntityManager;
  actor: Actor;
  options: CommandOptions;
  io: CliIo;
  config: Config;
  orm: Orm;
}

export interface Command {
  /** Positional argument names; a trailing `?` marks an optional one (only after the required). */
  arguments: string[];
  options: ('workspace' | 'instance' | 'interval' | 'grace' | 'limit' | 'open')[];
  /** Set on commands that delete data: they ask first on a terminal, and need --yes off one. */
  confirm?: true;
  run(context: CommandContext, args: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  help: { arguments: [], options: [], run: async () => 0 },
  migrate: { arguments: [], options: [], run: async () => 0 },

  'workspace create': {
    arguments: ['name'],
    options: [],
    async run({ em, actor, options, io }, [name]) {
      const workspace = await createWorkspace(em, name!, actor);
      io.stdout.write(
        options.json
          ? json({ workspace: { name: workspace.name, createdAt: workspace.createdAt } })
          : `Created workspace "${workspace.name}". Add instances to it with --workspace ${workspace.name}.\n`,
      );
      return 0;
    },
  },

  'workspace list': {
    arguments: [],
    options: [],
    async run({ em, options, io }) {
      const workspaces = await listWorkspaces(em);
      io.stdout.write(
        options.json
          ? json({ workspaces })
          : table(['WORKSPACE', 'INSTANCES', 'CREATED'], workspaces.map((w) => [w.name, String(w.instanceCount), timestamp(w.createdAt)])),
      );
      return 0;
    },
  },

  'workspace set': {
    arguments: ['setting', 'value'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [setting, value]) {
      if (setting !== 'timezone') {
        throw new InvalidInputError('unknown_workspace_setting', `"${setting!.slice(0, 60)}" is not a workspace setting: the one there is is timezone (e.g. workspace set timezone Europe/Berlin). Dashboard settings are under "setting set".`);
      }
      const workspace = await findWorkspace(em, options.workspace);
      const timeZone = await setWorkspaceTimeZone(em, { workspace, timeZone: value!, actor, now: new Date() });
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, timezone: timeZone })
          : `Workspace "${workspace.name}" keeps time in ${timeZone}: its months (budgets) and digests follow that clock.\n`,
      );
      return 0;
    },
  },

  'instance add': {
    arguments: ['name'],
    options: ['workspace', 'interval'],
    async run({ em, actor, options, io }, [name]) {
      const workspace = await findWorkspace(em, options.workspace);
      const { instance, token } = await addInstance(em, { workspace, name: name!, intervalSeconds: options.intervalSeconds, actor });
      if (options.json) {
        io.stdout.write(json({ instance: { name: instance.name, workspace: workspace.name, intervalSeconds: instance.intervalSeconds }, token }));
      } else {
        io.stdout.write(
          `Added instance "${instance.name}" to workspace "${workspace.name}" (expects a sync every ${toDurationText(instance.intervalSeconds)}).\n\n` +
            `Its sync token, shown this once (only a hash is kept):\n\n  ${token}\n\n` +
            `Give it to the agent on that host as DEEPCLAW_SYNC_TOKEN (see docs/agent.md).\n`,
        );
      }
      return 0;
    },
  },

  'instance list': {
    arguments: [],
    options: ['workspace'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const instances = await listInstances(em, workspace);
      if (options.json) {
        io.stdout.write(json({ workspace: workspace.name, instances }));
      } else if (instances.length === 0) {
        io.stdout.write(`No instances in workspace "${workspace.name}" yet. Add one: deepclaw instance add <name>\n`);
      } else {
        io.stdout.write(
          table(
            ['INSTANCE', 'INTERVAL', 'STATE', 'TOKENS', 'CREATED'],
            instances.map((i) => [
              i.name,
              toDurationText(i.intervalSeconds),
              i.paused ? 'paused' : 'active',
              i.activeTokens.join(', ') || 'none',
              timestamp(i.createdAt),
            ]),
          ),
        );
      }
      return 0;
    },
  },

  'instance remove': {
    arguments: ['name'],
    options: ['workspace'],
    confirm: true,
    async run({ em, actor, options, io }, [name]) {
      const workspace = await findWorkspace(em, options.workspace);
      // Name it as stored, and only after it is known to exist: no question about a typo.
      const instance = await findInstance(em, workspace, name!);
      if (!options.yes && !(await confirmed(io, `Remove ${instance.name} and its tokens, snapshots and events? [y/N] `))) {
        io.stderr.write('Nothing was removed.\n');
        return 1;
      }
      await removeInstance(em, { workspace, name: name!, actor });
      io.stdout.write(options.json ? json({ removed: name }) : `Removed instance "${name}" and revoked its tokens.\n`);
      return 0;
    },
  },

  'instance pause': pauseCommand(true),
  'instance resume': pauseCommand(false),

  'token rotate': {
    arguments: ['instance'],
    options: ['workspace', 'grace'],
    async run({ em, actor, options, io }, [name]) {
      const workspace = await findWorkspace(em, options.workspace);
      const rotated = await rotateSyncToken(em, { workspace, instanceName: name!, graceSeconds: options.graceSeconds, actor });
      if (options.json) {
        io.stdout.write(json({ instance: rotated.instance.name, token: rotated.token, retired: rotated.retired }));
        return 0;
      }
      const retired =
        rotated.retired.length === 0
          ? 'It had no working token before.'
          : options.graceSeconds
            ? `The previous token (${rotated.retired.map((r) => r.visibleId).join(', ')}) keeps working until ${timestamp(rotated.retired[0]!.worksUntil)}.`
            : `The previous token (${rotated.retired.map((r) => r.visibleId).join(', ')}) no longer works.`;
      io.stdout.write(
        `Rotated the sync token of "${rotated.instance.name}". ${retired}\n\n` +
          `New token, shown this once:\n\n  ${rotated.token}\n\n` +
          `Put it in the agent's DEEPCLAW_SYNC_TOKEN (or its --token-file) on that host.\n`,
      );
      return 0;
    },
  },

  'token revoke': {
    arguments: ['instance'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [name]) {
      const workspace = await findWorkspace(em, options.workspace);
      const revoked = await revokeSyncTokens(em, { workspace, instanceName: name!, actor });
      io.stdout.write(
        options.json
          ? json({ instance: name, revoked })
          : `Revoked ${revoked.join(', ')}: "${name}" can no longer sync until you run: deepclaw token rotate ${name}\n`,
      );
      return 0;
    },
  },

  'token check': {
    arguments: [],
    options: [],
    async run({ em, options, io }) {
      // From stdin, never argv: a token on the command line lands in shell history and `ps`.
      const presented = (await io.readStdin()).trim();
      const check = await checkSyncToken(em, presented);
      if (check.ok) {
        const { instance } = check;
        io.stdout.write(
          options.json
            ? json({ valid: true, instance: instance.name, workspace: instance.workspace.name })
            : `Valid: writes snapshots for instance "${instance.name}" in workspace "${instance.workspace.name}".\n`,
        );
        return 0;
      }
      io.stdout.write(options.json ? json({ valid: false, reason: check.reason }) : `Not valid: ${REASONS[check.reason]}.\n`);
      return 1;
    },
  },

  'subscription list': {
    arguments: [],
    options: ['workspace'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const subscriptions = await listSubscriptions(em, workspace);
      if (options.json) {
        io.stdout.write(json({ workspace: workspace.name, subscriptions }));
      } else if (subscriptions.length === 0) {
        io.stdout.write(`No channel receives the alerts of workspace "${workspace.name}". In a chat, type /deepclaw subscribe.\n`);
      } else {
        io.stdout.write(
          table(
            ['CHANNEL', 'PLATFORM', 'KINDS', 'MENTION', 'DIGEST', 'MUTED UNTIL', 'STATE'],
            subscriptions.map((s) => [
              s.channelId,
              s.platform,
              s.kinds?.join(', ') ?? 'all',
              s.mention ? `${describeMention(s.platform, s.mention.target)} (${s.mention.severity === 'warning' ? 'warning+' : 'critical'})` : '-',
              digestText(s.digest),
              s.mutedUntil && s.mutedUntil > new Date() ? timestamp(s.mutedUntil) : '-',
              s.disabled ? `disabled since ${timestamp(s.disabled.since)}: ${s.disabled.reason}` : 'receiving',
            ]),
          ),
        );
      }
      return 0;
    },
  },

  'subscription enable': {
    arguments: ['platform:channel'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [address]) {
      const workspace = await findWorkspace(em, options.workspace);
      const channel = parseChannelAddress(address!);
      const { wasDisabled } = await enableSubscription(em, { workspace, channel, actor });
      if (options.json) {
        io.stdout.write(json({ channel: `${channel.platform}:${channel.channelId}`, enabled: true, wasDisabled }));
      } else {
        io.stdout.write(
          wasDisabled
            ? `${channel.platform}:${channel.channelId} receives alerts again (it was disabled since ${timestamp(wasDisabled.since)}: ${wasDisabled.reason}).\n`
            : `${channel.platform}:${channel.channelId} was not disabled; nothing changed.\n`,
        );
      }
      return 0;
    },
  },

  'link-code': {
    arguments: [],
    options: ['workspace'],
    async run({ em, actor, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const { code, expiresAt } = await createLinkCode(em, { workspace, actor });
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, code, expiresAt })
          : `Link code for workspace "${workspace.name}": ${code}\n\n` +
              `In the chat to link, a chat admin types:  /deepclaw link ${code}\n` +
              `It works once, until ${timestamp(expiresAt)}.\n`,
      );
      return 0;
    },
  },

  'dashboard login': {
    arguments: [],
    options: ['workspace'],
    async run({ em, actor, options, io, config }) {
      const workspace = await findWorkspace(em, options.workspace);
      // Whoever runs the CLI holds the database: an admin of every workspace.
      const link = await issueSignInLink(em, { workspace, role: 'admin', actor, personName: actor.id.replace(/^cli:/, ''), now: new Date() });
      const url = `${config.publicUrl}${link.path}`;
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, role: 'admin', url, expiresAt: link.expiresAt })
          : `Sign-in link for the dashboard of workspace "${workspace.name}" (admin), valid once until ${timestamp(link.expiresAt)}:\n\n  ${url}\n\n` +
              `Open it in your browser; do not share it (whoever opens it first is signed in as you).\n`,
      );
      return 0;
    },
  },

  'dashboard sessions': {
    arguments: [],
    options: ['workspace'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const sessions = await listSessions(em, workspace, new Date());
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, sessions })
          : sessions.length === 0
            ? `Nobody is signed in to the dashboard of workspace "${workspace.name}".\n`
            : table(
                ['ID', 'PERSON', 'ROLE', 'SIGNED IN', 'LAST SEEN', 'ENDS'],
                sessions.map((s) => [s.id.slice(0, 8), `${s.personName} (${s.person})`, s.role, timestamp(s.createdAt), timestamp(s.lastSeenAt), timestamp(s.expiresAt)]),
              ),
      );
      return 0;
    },
  },

  'dashboard revoke': {
    arguments: ['session'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [session]) {
      const workspace = await findWorkspace(em, options.workspace);
      const ended = await revokeSessions(em, { workspace, idPrefix: session!, actor, now: new Date() });
      io.stdout.write(options.json ? json({ workspace: workspace.name, ended }) : `Ended ${ended} dashboard session${ended === 1 ? '' : 's'} of workspace "${workspace.name}"; ${ended === 1 ? 'its' : 'their'} next request is signed out.\n`);
      return 0;
    },
  },

  'setting set': {
    arguments: ['name', 'value'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [name, value]) {
      const workspace = await findWorkspace(em, options.workspace);
      const parsed = parseSettingValue(name!, value!);
      await setWorkspaceSetting(em, { workspace, name: parsed.name, value: parsed.value, actor, now: new Date() });
      io.stdout.write(options.json ? json({ workspace: workspace.name, [parsed.name]: parsed.value }) : `${parsed.name} is ${parsed.value ? 'on' : 'off'} for workspace "${workspace.name}".\n`);
      return 0;
    },
  },

  'setting list': {
    arguments: [],
    options: ['workspace'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const settings = await workspaceSettings(em, workspace);
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, settings })
          : table(['SETTING', 'VALUE', 'DEFAULT', 'WHAT'], (Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]).map((n) => [n, settings[n] ? 'on' : 'off', SETTINGS[n].default ? 'on' : 'off', SETTINGS[n].summary])),
      );
      return 0;
    },
  },

  mute: {
    arguments: ['target', 'duration'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [target, duration]) {
      let seconds: number;
      try {
        seconds = toSeconds(duration!);
      } catch (error) {
        if (error instanceof DurationError) throw new InvalidInputError('invalid_duration', error.message);
        throw error;
      }
      const workspace = await findWorkspace(em, options.workspace);
      const until = new Date(Date.now() + seconds * 1000);
      await setMute(em, { workspace, target: target!, until, actor });
      const what = target === 'all' ? `every instance of workspace "${workspace.name}"` : `"${target}"`;
      io.stdout.write(options.json ? json({ target, mutedUntil: until }) : `Muted ${what} until ${timestamp(until)}: its alerts are held back, events still open and resolve.\n`);
      return 0;
    },
  },

  unmute: {
    arguments: ['target'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [target]) {
      const workspace = await findWorkspace(em, options.workspace);
      await setMute(em, { workspace, target: target!, until: null, actor });
      io.stdout.write(options.json ? json({ target, mutedUntil: null }) : `Unmuted ${target === 'all' ? `workspace "${workspace.name}"` : `"${target}"`}.\n`);
      return 0;
    },
  },

  'threshold set': {
    arguments: ['name', 'value'],
    options: ['workspace', 'instance'],
    async run({ em, actor, options, io }, [name, value]) {
      const workspace = await findWorkspace(em, options.workspace);
      const instance = options.instance ? await findInstance(em, workspace, options.instance) : undefined;
      const stored = await setThreshold(em, { workspace, instance, name: name!, value: value!, actor });
      const scope = instance ? `instance "${instance.name}"` : `workspace "${workspace.name}"`;
      io.stdout.write(
        options.json
          ? json({ name, value: stored, scope: instance ? { instance: instance.name } : { workspace: workspace.name } })
          : `Set ${name} to ${formatThresholdValue(name!, stored)} for ${scope}; it applies from the next evaluation.\n`,
      );
      return 0;
    },
  },

  'threshold list': {
    arguments: [],
    options: ['workspace', 'instance'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const instance = options.instance ? await findInstance(em, workspace, options.instance) : undefined;
      const rows = await listThresholds(em, workspace, instance);
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, instance: instance?.name ?? null, thresholds: rows })
          : table(
              ['THRESHOLD', 'DEFAULT', 'WORKSPACE', ...(instance ? ['INSTANCE'] : []), 'MEANING'],
              rows.map((r) => [r.name, r.defaultValue, r.workspaceValue ?? '-', ...(instance ? [r.instanceValue ?? '-'] : []), r.meaning]),
            ),
      );
      return 0;
    },
  },

  // The chat's `/deepclaw status` and `/deepclaw ack`, answered by the same handlers and printed
  // as the console of `npm start` prints them.
  status: {
    arguments: ['instance?'],
    options: ['workspace'],
    async run(context, [name]) {
      const { em, options, io } = context;
      const workspace = await findWorkspace(em, options.workspace);
      const now = new Date();
      if (options.json) {
        const instance = name ? await findInstance(em, workspace, name) : undefined;
        io.stdout.write(json(instance ? await instanceStatus(em, workspace, instance, now) : await fleetStatus(em, workspace, now)));
        return 0;
      }
      io.stdout.write(toTerminal(await answerCommand(chatContext(context, workspace, now), { name: 'status', ...(name ? { instance: name } : {}) })));
      return 0;
    },
  },

  events: {
    arguments: [],
    options: ['workspace', 'instance', 'open', 'limit'],
    async run({ em, options, io }) {
      const workspace = await findWorkspace(em, options.workspace);
      const instance = options.instance ? await findInstance(em, workspace, options.instance) : undefined;
      const events = await listEvents(em, { workspace, instance, openOnly: options.open === true, limit: options.limit ?? 20 });
      const scope = instance ? `instance "${instance.name}"` : `workspace "${workspace.name}"`;
      io.stdout.write(
        options.json
          ? json({ workspace: workspace.name, instance: instance?.name ?? null, events })
          : events.length === 0
            ? `No ${options.open ? 'open ' : ''}events for ${scope}.\n`
            : table(
                ['EVENT', 'INSTANCE', 'KIND', 'STATE', 'OPENED', 'SUMMARY'],
                // Summaries quote what agents sent (cron job names): made safe for the terminal.
                events.map((e) => [
                  e.id.slice(0, 8),
                  e.instance,
                  e.kind,
                  e.state === 'acked' && e.ackedBy ? `acked by ${e.ackedBy}` : e.state,
                  timestamp(e.openedAt),
                  e.summary,
                ].map(toTerminalText)),
              ),
      );
      return 0;
    },
  },

  ack: {
    arguments: ['event'],
    options: ['workspace'],
    async run(context, [typed]) {
      const { em, options, io } = context;
      // The chat grammar's check of the id, so both say the same about a bad one.
      const parsed = parseCommand(`ack ${typed}`);
      if (!parsed.ok) throw new InvalidInputError('invalid_event_id', parsed.problem.message);
      if (parsed.command.name !== 'ack') throw new Error('unreachable');
      const workspace = await findWorkspace(em, options.workspace);
      const now = new Date();
      const eventId = await findUnresolvedEvent(em, workspace, parsed.command.event);
      const replies = await ackCommand(chatContext(context, workspace, now), eventId);
      if (!options.json) {
        io.stdout.write(toTerminal(replies));
        return 0;
      }
      const [event] = await listEvents(em.fork(), { workspace, openOnly: false, limit: 1, eventId });
      // The core announces a change to the channel and answers "nothing to acknowledge" privately.
      io.stdout.write(json({ event: eventId, instance: event?.instance, kind: event?.kind, state: event?.state, ackedBy: event?.ackedBy, changed: replies.some((r) => r.audience === 'channel') }));
      return 0;
    },
  },

  audit: {
    arguments: [],
    options: ['workspace', 'limit'],
    async run({ em, options, io }) {
      const workspace = options.workspace ? await findWorkspace(em, options.workspace) : undefined;
      const rows = await listAudit(em, { workspace, limit: options.limit ?? 20 });
      const entries = rows.map((row) => ({
        at: row.at,
        workspace: row.workspace?.name ?? null,
        action: row.action,
        subject: row.subject ?? null,
        actor: row.actor,
        origin: row.origin,
        details: row.details,
      }));
      io.stdout.write(
        options.json
          ? json({ entries })
          : entries.length === 0
            ? 'The audit log is empty.\n'
            : table(
                ['AT', 'WORKSPACE', 'ACTION', 'SUBJECT', 'ACTOR', 'FROM'],
                entries.map((e) => [timestamp(e.at), e.workspace ?? '-', e.action, e.subject ?? '-', e.actor, e.origin]),
              ),
      );
      return 0;
    },
  },

  // Registering the Telegram webhook and reading what Telegram has (adapters/telegram/telegram-cli.ts).
  ...TELEGRAM_COMMANDS,
};

const REASONS = {
  malformed: 'this is not a DeepClaw sync token (they look like dcs_ followed by 49 letters and digits)',
  bad_checksum: 'the token is mistyped or truncated (its checksum does not match)',
  unknown: 'no instance has this token',
  revoked: 'this token was revoked; issue a new one with: deepclaw token rotate <instance>',
  expired: 'this token was rotated and its grace period is over',
} as const;

/**
 * A chat handler's context for the CLI's user, who holds the database and so acts as an admin of
 * any workspace, as the person at the console of `npm start` does.
 */
function chatContext({ em, actor, config, orm, io }: CommandContext, workspace: Workspace, now: Date): HandlerContext {
  return {
    em,
    workspace,
    actor,
    now,
    requester: { platform: 'cli', userId: io.user, displayName: io.user, isPlatformAdmin: true },
    place: { chatId: 'cli', channelId: 'cli' },
    deps: { orm, chatAdmins: config.chatAdmins, publicUrl: config.publicUrl, agentSha256: agentBundleSha256(), clock: () => now },
  };
}

/** The core's replies as the console prints them: plain lines, control characters made visible. */
function toTerminal(replies: Reply[]): string {
  return `${repliesToTerminalText(replies)}\n`;
}

/** Yes only for an explicit y or yes; Enter, anything else or Ctrl-D is no. */
async function confirmed(io: CliIo, question: string): Promise<boolean> {
  return /^y(es)?$/i.test((await io.ask(question)).trim());
}

function pauseCommand(paused: boolean): Command {
  return {
    arguments: ['name'],
    options: ['workspace'],
    async run({ em, actor, options, io }, [name]) {
      const workspace = await findWorkspace(em, options.workspace);
      const changed = await setInstancePaused(em, { workspace, name: name!, paused, actor });
      const state = paused ? 'paused' : 'active';
      io.stdout.write(
        options.json
          ? json({ instance: name, state, changed })
          : changed
            ? paused
              ? `Paused "${name}": its snapshots are still stored, but it raises no events until resumed.\n`
              : `Resumed "${name}": it raises events again.\n`
            : `"${name}" was already ${state}.\n`,
      );
      return 0;
    },
  };
}
