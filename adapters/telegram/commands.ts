/**
 * `/deepclaw …` typed in Telegram (private chats, groups, supergroups, forum topics), handed to
 * the command core and answered in the same chat and topic, as a reply to the command. grammY
 * reads the `bot_command` entity, so `/deepclaw@<this bot> …` counts and `/deepclaw@otherbot`
 * does not.
 *
 * Telegram has no ephemeral messages, so replies for the requester go into the chat like the
 * rest — except a credential: it only ever travels in a private chat with the requester. Before
 * a command that answers with one (`rotate-token`, `add`) runs in a group, the bot checks that it
 * can write to the requester privately (Telegram lets a bot do that only after the person pressed
 * Start); if it cannot, nothing runs, and the group gets a t.me deep link that opens that chat.
 */
import type { Api } from 'grammy';
import type { Chat, Message as TelegramApiMessage } from 'grammy/types';
import { isAllowed } from '../../bot/commands/authorization.ts';
import type { CommandRequest } from '../../bot/commands/command-request.ts';
import { parseCommand, SUBCOMMANDS } from '../../bot/commands/grammar.ts';
import type { Logger } from '../../bot/logger.ts';
import { holdsSecret, message, note, text, type Message, type Reply } from '../../bot/messages/message.ts';
import { sendMessage } from './adapter.ts';
import type { ChatAdmins } from './chat-admins.ts';
import { toChannelId, type TelegramPlace } from './channel-id.ts';
import { redactError } from './redact-token.ts';
import { requesterOf, senderOf } from './requester.ts';

/** The `start` payload of the deep link that opens a private chat for tokens. */
export const DM_START_PAYLOAD = 'tokens';

export interface CommandHandlerDependencies {
  api: Api;
  logger: Logger;
  token: string;
  admins: ChatAdmins;
  /** DEEPCLAW_ADMINS. */
  chatAdmins: ReadonlySet<string>;
  botUsername(): string;
  run(request: CommandRequest): Promise<Reply[]>;
}

/** The topic a message is in; undefined outside forum topics (and in a forum's General topic). */
export function topicOf(value: Pick<TelegramApiMessage, 'is_topic_message' | 'message_thread_id'>): number | undefined {
  return value.is_topic_message && value.message_thread_id !== undefined ? value.message_thread_id : undefined;
}

export function deepLink(botUsername: string): string {
  return `https://t.me/${botUsername}?start=${DM_START_PAYLOAD}`;
}

export async function answerCommand(deps: CommandHandlerDependencies, command: TelegramApiMessage, args: string): Promise<void> {
  const { api, logger } = deps;
  const chat = command.chat;
  const here: TelegramPlace = { chatId: chat.id, threadId: topicOf(command) };
  const answer = (value: Message) => sendMessage(api, here, value, { replyTo: command.message_id });
  try {
    const sender = senderOf(command);
    if (!sender) return;
    const requester = await requesterOf(sender, chat, deps.admins);
    const request: CommandRequest = {
      text: args,
      requester,
      place: {
        chatId: String(chat.id),
        channelId: toChannelId(here),
        threadRef: { chat: chat.id, message: command.message_id, ...(here.threadId !== undefined ? { thread: here.threadId } : {}) },
      },
    };
    const isPrivateChat = chat.type === 'private';
    const parsed = parseCommand(args);
    const spec = parsed.ok ? SUBCOMMANDS[parsed.command.name] : undefined;
    // Checked only for someone the core would let run it: a member who may not gets the core's refusal.
    if (parsed.ok && spec?.repliesWithSecret && !isPrivateChat && isAllowed(spec.permission, requester, deps.chatAdmins)) {
      const what = parsed.command.name === 'add' ? 'add an instance' : parsed.command.name === 'dashboard' ? 'get a dashboard sign-in link' : 'rotate a token';
      if (sender.kind !== 'person') {
        await answer(anonymousAdminRefusal(what, deps.botUsername()));
        return;
      }
      if (!(await canWritePrivately(api, sender.user.id))) {
        await answer(noPrivateChat(what, args, deps.botUsername()));
        return;
      }
    }
    const replies = await deps.run(request);
    for (const reply of replies) {
      const secret = holdsSecret(reply.message);
      if (!secret || isPrivateChat) {
        await answer(reply.message);
        continue;
      }
      if (reply.audience !== 'requester' || sender.kind !== 'person') {
        logger.error({ title: reply.message.title }, 'refused to post a reply holding a secret to a Telegram group');
        continue;
      }
      try {
        await sendMessage(api, { chatId: sender.user.id }, reply.message);
      } catch (error) {
        // Checked a moment ago; the person blocked the bot since. The channel note still says what happened.
        logger.warn({ err: redactError(error, deps.token) }, 'a token could not be sent privately on Telegram');
        await answer(
          message(
            'The private message did not go through',
            text(`Telegram refused to deliver it to ${requester.displayName}. Open ${deepLink(deps.botUsername())}, press Start, and run the command again.`),
          ),
        );
      }
    }
  } catch (error) {
    logger.error({ err: redactError(error, deps.token) }, 'a Telegram command failed');
    await answer(message('Sorry, that failed on the DeepClaw side', text('The service log has the details. Nothing was sent anywhere else.'))).catch(() => undefined);
  }
}

/**
 * Whether the bot may start writing to this person: a "typing…" action in their private chat is
 * the cheapest call that Telegram refuses (403) exactly when a message would be refused.
 */
async function canWritePrivately(api: Api, userId: number): Promise<boolean> {
  try {
    await api.sendChatAction(userId, 'typing');
    return true;
  } catch (error) {
    const code = (error as { error_code?: number }).error_code;
    if (code === 403 || code === 400) return false;
    throw error;
  }
}

function noPrivateChat(what: string, args: string, botUsername: string): Message {
  return message(
    '🔒 Tokens are sent only in a private chat',
    text(`Nothing was changed: DeepClaw cannot write to you privately yet, and it never posts a token in a group. Open ${deepLink(botUsername)}, press Start, then run this again here:`),
    text(`/deepclaw ${args.trim()}`),
    note(`Telegram lets a bot write to someone only after they started a chat with it. This is needed to ${what} from a group.`),
  );
}

function anonymousAdminRefusal(what: string, botUsername: string): Message {
  return message(
    '🔒 Anonymous admins cannot receive tokens',
    text(
      `Nothing was changed: you are posting as the group, so DeepClaw cannot tell who you are or send you a token privately. To ${what}, turn off "Remain anonymous" in your admin rights, or run the command in a private chat with @${botUsername} after linking it.`,
    ),
    note('As an anonymous admin you can still see status, acknowledge and mute alerts, subscribe this chat and link it.'),
  );
}

/** `/start` in a private chat, usually from the deep link above. */
export async function answerStart(deps: Pick<CommandHandlerDependencies, 'api' | 'logger' | 'token'>, chat: Chat, payload: string): Promise<void> {
  const reply =
    payload === DM_START_PAYLOAD
      ? message('✅ DeepClaw can write to you here now', text('Go back to the group and run the command again: the token will arrive in this chat, and only here.'))
      : message('DeepClaw', text('Type /deepclaw help for the commands. In a group, /deepclaw status shows the fleet the group is linked to.'));
  await sendMessage(deps.api, { chatId: chat.id }, reply).catch((error: unknown) => deps.logger.warn({ err: redactError(error, deps.token) }, 'could not answer /start on Telegram'));
}
