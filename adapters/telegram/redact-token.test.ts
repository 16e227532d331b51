import { HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactError, redactText } from './redact-token.ts';

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('bot token redaction', () => {
  it('replaces the token as typed and URL-encoded', () => {
    expect(redactText(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`, TOKEN)).toBe(`request to https://api.telegram.org/bot${REDACTED}/getMe failed`);
    expect(redactText(`GET /bot${encodeURIComponent(TOKEN)}/getMe`, TOKEN)).toBe(`GET /bot${REDACTED}/getMe`);
  });

  it('copies an HttpError whose inner fetch error names the URL, leaving nothing of the token in message, stack or cause', () => {
    const inner = new Error(`request to http://127.0.0.1:9/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`);
    const safe = redactError(new HttpError("Network request for 'sendMessage' failed!", inner), TOKEN) as HttpError;
    expect(safe).toBeInstanceOf(HttpError);
    expect(safe.message).toBe("Network request for 'sendMessage' failed!");
    expect(JSON.stringify({ message: safe.message, stack: safe.stack, inner: (safe.error as Error).message, innerStack: (safe.error as Error).stack })).not.toContain(TOKEN);
    expect((safe.error as Error).message).toContain(`/bot${REDACTED}/sendMessage`);
  });

  it('leaves an error without the token as it is', () => {
    const error = new Error('Call to sendMessage failed! (400: Bad Request: chat not found)');
    expect(redactError(error, TOKEN)).toBe(error);
  });
});
