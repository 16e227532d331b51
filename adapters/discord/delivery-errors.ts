/**
 * Discord REST failures as the outbox understands them. Only Discord knows which errors are
 * permanent, so that knowledge lives here: a channel that is gone or that the bot may no longer
 * see disables the subscription; a 429 waits exactly as long as Discord said. The REST client is
 * built to reject on a rate limit instead of waiting it out (discord-rest.ts), so a RateLimitError
 * reaches us at once.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';

/** Discord error codes after which posting to that channel again can never succeed. */
const PERMANENT = new Map<number, string>([
  [RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel'],
  [RESTJSONErrorCodes.MissingAccess, 'Missing Access'],
  [RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions'],
  [RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild'],
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser, 'Cannot send messages to this user'],
  [RESTJSONErrorCodes.ThreadLocked, 'Thread locked'],
]);

export function toDeliveryError(error: unknown, call: string): DeliveryError {
  if (error instanceof RateLimitError) {
    // retryAfter is in milliseconds (Discord's retry_after, in seconds, times 1000); the outbox counts whole seconds.
    return new DeliveryError('retry-after', `${call}: rate limited by Discord`, Math.max(1, Math.ceil(error.retryAfter / 1000)));
  }
  if (error instanceof DiscordAPIError) {
    const known = typeof error.code === 'number' ? PERMANENT.get(error.code) : undefined;
    if (known) return new DeliveryError('permanent', `${call}: Discord said ${known} (${error.code})`);
    if (error.status === 401) return new DeliveryError('transient', `${call}: Discord refused the bot token (401); set a working DISCORD_BOT_TOKEN and restart`);
    if (error.status >= 500) return new DeliveryError('transient', `${call}: Discord answered HTTP ${error.status}`);
    // Other 4xx (a malformed message, say) cannot be the channel's fault: retried until the
    // attempts run out, never disabling a channel that works.
    return new DeliveryError('transient', `${call}: Discord said ${error.message} (${error.code}, HTTP ${error.status})`);
  }
  if (error instanceof HTTPError) return new DeliveryError('transient', `${call}: Discord answered HTTP ${error.status}`);
  // After a 401 the REST client forgets the token (it cannot become valid again), and says so on every later call.
  if (error instanceof Error && error.message.startsWith('Expected token to be set')) {
    return new DeliveryError('transient', `${call}: Discord refused the bot token earlier (401); set a working DISCORD_BOT_TOKEN and restart`);
  }
  return new DeliveryError('transient', `${call}: Discord could not be reached (${(error as Error).message ?? String(error)})`);
}

/** The message an edit was meant for is gone (someone deleted the alert). */
export function isUnknownMessage(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage;
}
