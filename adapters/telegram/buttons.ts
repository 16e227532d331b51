/**
 * The alert's inline keyboard (Ack, Mute 1h, Mute 24h) as callback queries: the same core handler
 * and the same authorization as the typed commands. Every query is answered exactly once
 * (`answerCallbackQuery`, or the person's Telegram shows a spinner until it gives up): a refusal
 * or a mistake as a short toast only the presser sees, a change as a reply to the alert, in its
 * topic, for everyone.
 */
import type { Api } from 'grammy';
import type { CallbackQuery } from 'grammy/types';
import type { AlertActionRequest } from '../../bot/commands/command-request.ts';
import type { Logger } from '../../bot/logger.ts';
import { holdsSecret, type Reply } from '../../bot/messages/message.ts';
import { sendMessage } from './adapter.ts';
import type { ChatAdmins } from './chat-admins.ts';
import { toChannelId } from './channel-id.ts';
import { topicOf } from './commands.ts';
import { redactError } from './redact-token.ts';
import { fromCallbackData, toastText } from './render.ts';
import { displayNameOf } from './requester.ts';

export interface ButtonDependencies {
  api: Api;
  logger: Logger;
  token: string;
  admins: ChatAdmins;
  runAction(request: AlertActionRequest): Promise<Reply[]>;
}

export async function answerButton(deps: ButtonDependencies, query: CallbackQuery): Promise<void> {
  const { api, logger } = deps;
  let toast: string | undefined;
  let channelReplies: Reply[] = [];
  const alert = query.message && 'text' in query.message ? query.message : undefined;
  try {
    const pressed = fromCallbackData(query.data ?? '');
    if (!pressed || !query.message) {
      toast = 'This button is not one of DeepClaw’s, or its message is too old. Use /deepclaw ack or /deepclaw mute instead.';
      return;
    }
    const chat = query.message.chat;
    const threadId = alert ? topicOf(alert) : undefined;
    const replies = await deps.runAction({
      action: pressed.action,
      eventId: pressed.eventId,
      requester: {
        platform: 'telegram',
        userId: String(query.from.id),
        displayName: displayNameOf(query.from),
        isPlatformAdmin: chat.type === 'private' ? true : await deps.admins.isAdmin(chat.id, query.from.id),
      },
      place: {
        chatId: String(chat.id),
        channelId: toChannelId({ chatId: chat.id, threadId }),
        threadRef: { chat: chat.id, message: query.message.message_id, ...(threadId !== undefined ? { thread: threadId } : {}) },
      },
    });
    const forPresser = replies.find((reply) => reply.audience === 'requester');
    toast = forPresser ? toastText(forPresser.message) : undefined;
    channelReplies = replies.filter((reply) => reply.audience === 'channel' && !holdsSecret(reply.message));
  } catch (error) {
    logger.error({ err: redactError(error, deps.token) }, 'a Telegram button failed');
    toast = 'Sorry, that failed on the DeepClaw side; the service log has the details.';
  } finally {
    await api.answerCallbackQuery(query.id, toast ? { text: toast } : {}).catch((error: unknown) => logger.warn({ err: redactError(error, deps.token) }, 'answerCallbackQuery failed'));
  }
  if (!query.message) return;
  for (const reply of channelReplies) {
    const threadId = alert ? topicOf(alert) : undefined;
    await sendMessage(api, { chatId: query.message.chat.id, threadId }, reply.message, { replyTo: query.message.message_id }).catch((error: unknown) =>
      logger.error({ err: redactError(error, deps.token) }, 'could not post the answer to a Telegram button'),
    );
  }
}
