/**
 * One Discord interaction, whichever transport brought it (an HTTP POST or the gateway), turned
 * into the core's neutral request and answered: PING with PONG, autocomplete with instance names,
 * `/deepclaw …` and the alert buttons through the command core. The transport supplies `respond`,
 * the interaction's one initial response (the HTTP answer, or a callback POST over the gateway);
 * everything after it goes through the interaction's webhook.
 *
 * Discord waits 3 seconds for the initial response. An answer ready sooner is sent as it is; a
 * slower one is deferred (type 5: Discord shows "thinking…", privately when the answer will be
 * private) and completed by editing that original response. Replies for the requester are
 * ephemeral (flags 64) — the only place a token may appear; a reply holding a secret is never
 * posted where anyone else can read it, whatever the core asked for.
 */
import type { REST } from '@discordjs/rest';
import {
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type APIInteraction,
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  type APIUser,
} from 'discord-api-types/v10';
import type { AlertActionRequest, CommandRequest, Place, Requester } from '../../bot/commands/command-request.ts';
import type { Logger } from '../../bot/logger.ts';
import { holdsSecret, message, text, type Reply } from '../../bot/messages/message.ts';
import { ALLOW_NO_MENTIONS, customIdToAction, renderMessage } from './render.ts';
import { COMMAND_NAME, focusedOption, isInstanceOption, subcommandOf, toCommandText } from './slash-command.ts';

/** Discord gives up after 3 s; defer before, leaving time for the round trip. */
export const DEFER_AFTER_MS = 2000;

/** Subcommands whose first answer is for the requester alone: deferred privately. */
const PRIVATE_FIRST = new Set(['status', 'instances', 'cost', 'help', 'rotate-token', 'add']);

export interface InteractionHandlerDependencies {
  applicationId: string;
  rest: REST;
  logger: Logger;
  clock: () => Date;
  commands: {
    run(request: CommandRequest): Promise<Reply[]>;
    runAction(request: AlertActionRequest): Promise<Reply[]>;
  };
  /** Instance names of the workspace linked to `chatId`, for autocomplete. */
  instanceNames(chatId: string, typed: string): Promise<string[]>;
  /** Resolves when it is time to defer; a test passes one it controls. Default: after DEFER_AFTER_MS. */
  deferSignal?: () => Promise<void>;
}

/** Sends the initial response; resolves once it has reached Discord (so follow-ups may come after it). */
export type Respond = (response: APIInteractionResponse) => Promise<void>;

export interface InteractionHandler {
  handle(interaction: APIInteraction, respond: Respond): Promise<void>;
}

const FAILED = message('Sorry, that failed on the DeepClaw side', text('The service log has the details. Nothing was sent to the channel.'));

export function interactionHandler(deps: InteractionHandlerDependencies): InteractionHandler {
  const { rest, logger } = deps;
  const deferSignal = deps.deferSignal ?? (() => new Promise<void>((resolve) => setTimeout(resolve, DEFER_AFTER_MS).unref()));

  const toData = (reply: Reply): APIInteractionResponseCallbackData => ({
    ...renderMessage(reply.message, deps.clock()),
    ...(reply.audience === 'requester' ? { flags: MessageFlags.Ephemeral } : {}),
  });

  /** Drops what must not reach a channel: a reply holding a secret addressed to everyone. */
  const safe = (replies: Reply[]): Reply[] =>
    replies.filter((reply) => {
      if (reply.audience === 'channel' && holdsSecret(reply.message)) {
        logger.error({ title: reply.message.title }, 'refused to post a reply holding a secret to a Discord channel');
        return false;
      }
      return true;
    });

  const webhook = (token: string) => ({
    followUp: (data: APIInteractionResponseCallbackData) => rest.post(Routes.webhook(deps.applicationId, token), { body: data, auth: false }),
    editOriginal: (data: APIInteractionResponseCallbackData) => rest.patch(Routes.webhookMessage(deps.applicationId, token, '@original'), { body: data, auth: false }),
    deleteOriginal: () => rest.delete(Routes.webhookMessage(deps.applicationId, token, '@original'), { auth: false }),
  });

  /** Answers with the core's replies: at once when they are ready in time, else deferred and completed. */
  const answer = async (token: string, respond: Respond, work: Promise<Reply[]>, deferPrivately: boolean) => {
    const settled = work.then(
      (replies) => safe(replies),
      (error: unknown) => {
        logger.error({ err: error }, 'a Discord command failed');
        return [{ audience: 'requester', message: FAILED } satisfies Reply];
      },
    );
    const hook = webhook(token);
    const early = await Promise.race([settled, deferSignal().then(() => undefined)]);
    if (early) {
      const [first, ...rest] = early.length > 0 ? early : [{ audience: 'requester', message: message('Done') } satisfies Reply];
      await respond({ type: InteractionResponseType.ChannelMessageWithSource, data: toData(first!) });
      for (const reply of rest) await hook.followUp(toData(reply));
      return;
    }
    await respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: deferPrivately ? { flags: MessageFlags.Ephemeral } : {} });
    const replies = await settled;
    let originalUsed = false;
    for (const reply of replies) {
      // The deferred message keeps the privacy it was created with: only a reply of the same
      // audience may take its place; the others are follow-ups of their own.
      if (!originalUsed && (reply.audience === 'requester') === deferPrivately) {
        const { flags: _flags, ...data } = toData(reply);
        await hook.editOriginal(data);
        originalUsed = true;
      } else {
        await hook.followUp(toData(reply));
      }
    }
    if (!originalUsed) await hook.deleteOriginal();
  };

  return {
    async handle(interaction, respond) {
      switch (interaction.type) {
        case InteractionType.Ping:
          return respond({ type: InteractionResponseType.Pong });
        case InteractionType.ApplicationCommandAutocomplete: {
          const focused = focusedOption('options' in interaction.data ? interaction.data.options : undefined);
          const kind = focused && isInstanceOption(focused.subcommand, focused.option);
          let names: string[] = [];
          if (focused && kind) {
            names = await deps.instanceNames(placeOf(interaction).chatId, focused.value).catch((error: unknown) => {
              logger.warn({ err: error }, 'Discord autocomplete could not list instances');
              return [];
            });
            if (kind === 'target' && 'all'.startsWith(focused.value.trim().toLowerCase())) names = ['all', ...names];
          }
          return respond({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: names.slice(0, 25).map((name) => ({ name, value: name })) } });
        }
        case InteractionType.ApplicationCommand: {
          if (interaction.data.name !== COMMAND_NAME || !('options' in interaction.data)) {
            return respond({ type: InteractionResponseType.ChannelMessageWithSource, data: privateNote('Unknown command.') });
          }
          const options = interaction.data.options;
          const request: CommandRequest = { text: toCommandText(options), requester: requesterOf(interaction), place: placeOf(interaction) };
          return answer(interaction.token, respond, deps.commands.run(request), PRIVATE_FIRST.has(subcommandOf(options) ?? 'help'));
        }
        case InteractionType.MessageComponent: {
          const button = customIdToAction(interaction.data.custom_id);
          if (!button) {
            return respond({ type: InteractionResponseType.ChannelMessageWithSource, data: privateNote('This button is not DeepClaw’s.') });
          }
          const place = { ...placeOf(interaction), threadRef: { channel: interaction.message.channel_id, message: interaction.message.id } };
          const request: AlertActionRequest = { action: button.action, eventId: button.eventId, requester: requesterOf(interaction), place };
          return answer(interaction.token, respond, deps.commands.runAction(request), false);
        }
        default:
          return respond({ type: InteractionResponseType.ChannelMessageWithSource, data: privateNote('DeepClaw does not handle this kind of interaction.') });
      }
    },
  };
}

/** A one-line answer of ours for the requester alone. */
function privateNote(content: string): APIInteractionResponseCallbackData {
  return { content, flags: MessageFlags.Ephemeral, allowed_mentions: ALLOW_NO_MENTIONS };
}

/** Manage Server or Administrator in `member.permissions`: the member's permissions in this channel, computed by Discord. */
export function hasAdminPermissions(permissions: string | undefined): boolean {
  if (!permissions || !/^\d+$/.test(permissions)) return false;
  const bits = BigInt(permissions);
  return (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & PermissionFlagsBits.ManageGuild) !== 0n;
}

function userOf(interaction: APIInteraction): APIUser {
  return (interaction.member?.user ?? interaction.user)!;
}

/**
 * Who asked. In a server, Discord's own admins are members with Manage Server or Administrator. In
 * a DM with the bot, the person is the only member of that chat, so its admin — as Telegram's
 * private chats make their user the creator; what they may do there still depends on a link code
 * a DeepClaw admin handed them (docs/discord.md, "Direct messages").
 */
function requesterOf(interaction: APIInteraction): Requester {
  const user = userOf(interaction);
  const inGuild = interaction.guild_id !== undefined;
  return {
    platform: 'discord',
    userId: user.id,
    displayName: interaction.member?.nick ?? user.global_name ?? user.username,
    isPlatformAdmin: inGuild ? hasAdminPermissions(interaction.member?.permissions) : true,
  };
}

/** The server is the chat a link attaches; a DM is a chat of its own, one per user. */
function placeOf(interaction: APIInteraction): Place {
  const channelId = interaction.channel?.id ?? interaction.channel_id ?? '';
  return { chatId: interaction.guild_id ?? `dm:${userOf(interaction).id}`, channelId };
}
