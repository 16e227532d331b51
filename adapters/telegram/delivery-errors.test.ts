import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { migratedTo, toDeliveryError } from './delivery-errors.ts';

const said = (error_code: number, description: string, parameters = {}) => new GrammyError('Call failed!', { ok: false, error_code, description, parameters }, 'sendMessage', {});

describe('Telegram delivery errors', () => {
  it('waits as long as retry_after says on a 429', () => {
    expect(toDeliveryError(said(429, 'Too Many Requests: retry after 35', { retry_after: 35 }), 'sendMessage')).toMatchObject({ kind: 'retry-after', retryAfterSeconds: 35 });
  });

  it('gives up on a channel Telegram says is gone or closed to the bot, naming the reason', () => {
    for (const description of [
      'Forbidden: bot was blocked by the user',
      'Forbidden: bot was kicked from the group chat',
      'Forbidden: bot was kicked from the supergroup chat',
      'Forbidden: bot is not a member of the channel chat',
      'Forbidden: user is deactivated',
      'Bad Request: chat not found',
      'Bad Request: message thread not found',
      'Bad Request: not enough rights to send text messages to the chat',
    ]) {
      expect(toDeliveryError(said(description.startsWith('Forbidden') ? 403 : 400, description), 'sendMessage'), description).toMatchObject({
        kind: 'permanent',
        message: `sendMessage: Telegram said "${description}"`,
      });
    }
  });

  it('retries what may pass: a server error, the network, a bad request that is not about the chat', () => {
    expect(toDeliveryError(said(502, 'Bad Gateway'), 'sendMessage').kind).toBe('transient');
    expect(toDeliveryError(new HttpError("Network request for 'sendMessage' failed!", new Error('ECONNRESET')), 'sendMessage')).toMatchObject({
      kind: 'transient',
      message: 'sendMessage: Telegram could not be reached',
    });
    expect(toDeliveryError(said(400, "Bad Request: can't parse entities: unsupported start tag"), 'sendMessage').kind).toBe('transient');
  });

  it('reads the new chat id of a group upgraded to a supergroup', () => {
    expect(migratedTo(said(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234567890 }))).toBe(-1001234567890);
    expect(migratedTo(said(400, 'Bad Request: chat not found'))).toBeUndefined();
  });
});
