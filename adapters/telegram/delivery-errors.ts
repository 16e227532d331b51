/**
 * Bot API failures as the outbox understands them. Only Telegram knows which errors are
 * permanent, so that knowledge lives here: a bot blocked by the user, kicked from the group, or a
 * chat that is gone disables the subscription with Telegram's own words as the reason; a 429
 * waits exactly as long as `parameters.retry_after` says. A group that became a supergroup is not
 * an error at all for the outbox: the adapter moves the chat and delivers there (adapter.ts).
 */
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';

/**
 * Descriptions (lower-cased, matched as prefixes after "Forbidden: " / "Bad Request: ") after
 * which the same call can never succeed. Telegram documents no error codes beyond HTTP status, so
 * the description is what tells "kicked" from "flood"; these are the texts the Bot API sends.
 */
const PERMANENT = [
  'bot was blocked by the user',
  'bot was kicked',
  'bot is not a member',
  'user is deactivated',
  'chat not found',
  'group chat was deactivated',
  'the group chat was deleted',
  'have no rights to send a message',
  'not enough rights to send',
  'chat_write_forbidden',
  'need administrator rights in the channel chat',
  'message thread not found',
  'topic_deleted',
  'topic_closed',
];

/** The new chat id when Telegram says the group was upgraded to a supergroup. */
export function migratedTo(error: unknown): number | undefined {
  return error instanceof GrammyError && typeof error.parameters.migrate_to_chat_id === 'number' ? error.parameters.migrate_to_chat_id : undefined;
}

/** Telegram's "there is nothing to change" on an edit: the message already shows this. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** The message to edit is gone (deleted, or too old to edit): post it afresh instead. */
export function isUneditable(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message to edit not found|message can't be edited|message_id_invalid/i.test(error.description);
}

export function isPermanent(error: GrammyError): boolean {
  const description = error.description.toLowerCase().replace(/^(forbidden|bad request): /, '');
  return (error.error_code === 403 || error.error_code === 400) && PERMANENT.some((text) => description.startsWith(text) || description.includes(text));
}

export function toDeliveryError(error: unknown, method: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof GrammyError) {
    if (error.error_code === 429) {
      return new DeliveryError('retry-after', `${method}: rate limited by Telegram (retry after ${error.parameters.retry_after ?? '?'} s)`, error.parameters.retry_after ?? 30);
    }
    return new DeliveryError(isPermanent(error) ? 'permanent' : 'transient', `${method}: Telegram said "${error.description}"`);
  }
  if (error instanceof HttpError) return new DeliveryError('transient', `${method}: Telegram could not be reached`);
  return new DeliveryError('transient', `${method}: ${(error as Error)?.message ?? String(error)}`);
}
