/**
 * Slack Web API failures as the outbox understands them. Only Slack knows which errors are
 * permanent, so that knowledge lives here: a channel that is gone or a bot that was removed
 * disables the subscription; a 429 waits exactly as long as Slack's Retry-After says.
 */
import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';

/** Slack error codes after which retrying the same call can never succeed. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'msg_too_long',
]);

export function toDeliveryError(error: unknown, call: string): DeliveryError {
  const coded = error as Partial<webApi.WebAPICallError> & { message?: string };
  switch (coded.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new DeliveryError('retry-after', `${call}: rate limited by Slack`, (coded as { retryAfter: number }).retryAfter);
    case webApi.ErrorCode.PlatformError: {
      const slackError = (coded as { data: { error: string } }).data.error;
      return new DeliveryError(PERMANENT.has(slackError) ? 'permanent' : 'transient', `${call}: Slack said ${slackError}`);
    }
    case webApi.ErrorCode.HTTPError:
      return new DeliveryError('transient', `${call}: Slack answered HTTP ${(coded as { statusCode: number }).statusCode}`);
    case webApi.ErrorCode.RequestError:
      return new DeliveryError('transient', `${call}: Slack could not be reached`);
    default:
      return new DeliveryError('transient', `${call}: ${coded.message ?? String(error)}`);
  }
}
