/**
 * The chat-ops core: one entry for typed commands, one for alert buttons, shared by every chat
 * platform (and the console). It parses the text once, finds the workspace through the chat's
 * link, checks who may do what, calls the same core services as the admin CLI, and answers with
 * platform-neutral replies addressed to the requester or to the channel. Denials and bad input
 * change nothing; every change is audited with the platform and user id.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { DeepClawError, InvalidInputError } from '../errors.ts';
import { message, note, text, type Reply } from '../messages/message.ts';
import { ChatLink, type Workspace } from '../storage/entities/index.ts';
import type { Orm } from '../storage/orm.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { ackCommand, alertAction, muteCommand, subscribeCommand, unmuteCommand, unsubscribeCommand } from './alert-commands.ts';
import { isAllowed, refusal } from './authorization.ts';
import type { AlertActionRequest, CommandRequest, Place, Requester } from './command-request.ts';
import { parseCommand, SUBCOMMANDS, type ParsedCommand, type SubcommandName } from './grammar.ts';
import { helpReply } from './help.ts';
import { dashboardCommand } from './dashboard-command.ts';
import { digestCommand } from './digest-command.ts';
import { linkCommand } from './link-command.ts';
import { toRequester } from './replies.ts';
import { costCommand, instancesCommand, statusCommand } from './status-commands.ts';
import { thresholdCommand } from './threshold-command.ts';
import { addCommand, revokeCommand, rotateTokenCommand } from './token-commands.ts';

export interface CommandDependencies {
  orm: Orm;
  /** DEEPCLAW_ADMINS. */
  chatAdmins: ReadonlySet<string>;
  /** Where agents reach this service (install instructions). */
  publicUrl: string;
  /** The served agent bundle's SHA-256, when built. */
  agentSha256(): Promise<string | undefined>;
  clock(): Date;
}

export interface HandlerContext {
  em: EntityManager;
  workspace: Workspace;
  actor: Actor;
  requester: Requester;
  place: Place;
  now: Date;
  deps: CommandDependencies;
}

/** What each command reads as the verb in "Sorry, only … can <verb>". */
const VERBS: Record<SubcommandName, string> = {
  status: 'see the status',
  instances: 'list instances',
  cost: 'see spend',
  ack: 'acknowledge events',
  help: 'read the help',
  'rotate-token': 'rotate sync tokens',
  add: 'add instances',
  revoke: 'revoke sync tokens',
  mute: 'mute alerts',
  unmute: 'unmute alerts',
  subscribe: 'subscribe channels to alerts',
  digest: 'set a channel’s digest',
  unsubscribe: 'unsubscribe channels',
  link: 'link this chat to DeepClaw',
  dashboard: 'open the dashboard',
  threshold: 'change alert thresholds',
};

export function actorOf(requester: Requester, place: Place): Actor {
  return { id: `${requester.platform}:${requester.userId}`, origin: `${requester.platform}:${place.chatId}/${place.channelId}` };
}

/**
 * Answers one typed command. `options.workspaceName` is for surfaces that need no chat link (the
 * console of `npm start`, whose user owns the process).
 */
export async function runCommand(deps: CommandDependencies, request: CommandRequest, options: { workspaceName?: string } = {}): Promise<Reply[]> {
  const parsed = parseCommand(request.text);
  if (!parsed.ok) {
    const { problem } = parsed;
    return [
      toRequester(
        message(
          problem.code === 'unknown_subcommand' ? 'Unknown command' : `Usage: ${problem.usage}`,
          text(capitalize(problem.message)),
          note(problem.code === 'unknown_subcommand' ? 'Type /deepclaw help for the commands.' : `Type /deepclaw help ${problem.subcommand} for more.`),
        ),
      ),
    ];
  }
  const command = parsed.command;
  const permission = SUBCOMMANDS[command.name].permission;
  if (command.name === 'help') return [toRequester(helpReply(command.topic))];
  if (!isAllowed(permission, request.requester, deps.chatAdmins)) {
    return [toRequester(message('Not allowed', text(refusal(permission, request.requester, VERBS[command.name]))))];
  }
  const em = deps.orm.em.fork();
  const now = deps.clock();
  const actor = actorOf(request.requester, request.place);
  return answerErrors(command.name, async () => {
    if (command.name === 'link') return linkCommand({ em, actor, requester: request.requester, place: request.place, now, code: command.code });
    const workspace = options.workspaceName ? await findWorkspace(em, options.workspaceName) : await linkedWorkspace(em, request.requester.platform, request.place.chatId);
    if (!workspace) return [toRequester(notLinked(request.requester.platform))];
    return answerCommand({ em, workspace, actor, requester: request.requester, place: request.place, now, deps }, command);
  });
}

/** A click on an alert's button: ack is anyone's, mutes are an admin's, as when typed. */
export async function runAlertAction(deps: CommandDependencies, request: AlertActionRequest, options: { workspaceName?: string } = {}): Promise<Reply[]> {
  const subcommand: SubcommandName = request.action === 'ack' ? 'ack' : 'mute';
  const permission = SUBCOMMANDS[subcommand].permission;
  if (!isAllowed(permission, request.requester, deps.chatAdmins)) {
    return [toRequester(message('Not allowed', text(refusal(permission, request.requester, VERBS[subcommand]))))];
  }
  const em = deps.orm.em.fork();
  const now = deps.clock();
  return answerErrors(subcommand, async () => {
    const workspace = options.workspaceName ? await findWorkspace(em, options.workspaceName) : await linkedWorkspace(em, request.requester.platform, request.place.chatId);
    if (!workspace) return [toRequester(notLinked(request.requester.platform))];
    return alertAction({ em, workspace, actor: actorOf(request.requester, request.place), requester: request.requester, place: request.place, now, deps }, request.action, request.eventId);
  });
}

/**
 * Runs one parsed command's handler, past parsing, permissions and the chat link. Also the admin
 * CLI's way into the same answers (`deepclaw status`, `deepclaw ack`): its user already holds the
 * database, so it checks no permission, and it turns errors into exit codes itself.
 */
export function answerCommand(context: HandlerContext, command: Exclude<ParsedCommand, { name: 'help' } | { name: 'link' }>): Promise<Reply[]> {
  switch (command.name) {
    case 'status':
      return statusCommand(context, command.instance);
    case 'instances':
      return instancesCommand(context);
    case 'cost':
      return costCommand(context, command.instance, command.days);
    case 'rotate-token':
      return rotateTokenCommand(context, command.instance, command.graceSeconds);
    case 'add':
      return addCommand(context, command.instance, command.intervalSeconds);
    case 'revoke':
      return revokeCommand(context, command.instance);
    case 'mute':
      return muteCommand(context, command.target, command.durationSeconds);
    case 'unmute':
      return unmuteCommand(context, command.target);
    case 'ack':
      return ackCommand(context, command.event);
    case 'subscribe':
      return subscribeCommand(context, command.kinds, command.mention, command.mentionSeverity);
    case 'digest':
      return digestCommand(context, command.schedule);
    case 'unsubscribe':
      return unsubscribeCommand(context);
    case 'dashboard':
      return dashboardCommand(context);
    case 'threshold':
      return thresholdCommand(context, command);
  }
}

export async function linkedWorkspace(em: EntityManager, platform: string, chatId: string): Promise<Workspace | null> {
  const link = await em.findOne(ChatLink, { platform, externalId: chatId }, { populate: ['workspace'] });
  return link?.workspace ?? null;
}

function notLinked(platform: string): ReturnType<typeof message> {
  const chat = platform === 'slack' ? 'Slack workspace' : platform === 'discord' ? 'Discord server' : 'chat';
  return message(
    `This ${chat} is not linked to DeepClaw yet`,
    text('A DeepClaw admin prints a one-time code on the server with `deepclaw link-code`; then one of this chat’s admins types `/deepclaw link <code>` here.'),
  );
}

/** Errors the core raises on purpose become a private answer; anything else is a bug and propagates. */
async function answerErrors(subcommand: SubcommandName, work: () => Promise<Reply[]>): Promise<Reply[]> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DeepClawError)) throw error;
    const blocks = [text(capitalize(error.message))];
    if (error instanceof InvalidInputError) blocks.push(note(`Usage: ${SUBCOMMANDS[subcommand].usage}`));
    return [toRequester(message('Nothing was changed', ...blocks))];
  }
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
