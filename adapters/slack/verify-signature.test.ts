import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from './verify-signature.ts';

// Slack's documented example ("Verifying requests from Slack"): secret, timestamp, the raw body of
// a slash command, and the signature Slack sent with it. The secret is Slack's placeholder.
const VECTOR = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  rawBody:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const AT_VECTOR_TIME = 1531420618 * 1000;

describe('Slack request signatures', () => {
  it("reproduces Slack's documented example signature", () => {
    expect(signSlackRequest(VECTOR.signingSecret, VECTOR.timestamp, VECTOR.rawBody)).toBe(VECTOR.signature);
    expect(verifySlackSignature({ ...VECTOR, nowMilliseconds: AT_VECTOR_TIME + 60_000 })).toBe('ok');
  });

  it.each([
    ['a changed body', { rawBody: VECTOR.rawBody.replace('text=', 'text=rotate-token') }, 'bad_signature'],
    ['another secret', { signingSecret: '0'.repeat(32) }, 'bad_signature'],
    ['a truncated signature', { signature: VECTOR.signature.slice(0, 20) }, 'bad_signature'],
    ['an unknown version', { signature: VECTOR.signature.replace('v0=', 'v1=') }, 'bad_signature'],
    ['no signature', { signature: undefined }, 'missing_headers'],
    ['no timestamp', { timestamp: undefined }, 'missing_headers'],
    ['a timestamp that is not a number', { timestamp: '1531420618.5' }, 'missing_headers'],
  ])('refuses %s', (_what, change, result) => {
    expect(verifySlackSignature({ ...VECTOR, ...change, nowMilliseconds: AT_VECTOR_TIME })).toBe(result);
  });

  it('accepts up to 5 minutes either side of now, and no further', () => {
    expect(verifySlackSignature({ ...VECTOR, nowMilliseconds: AT_VECTOR_TIME + 300_000 })).toBe('ok');
    expect(verifySlackSignature({ ...VECTOR, nowMilliseconds: AT_VECTOR_TIME + 301_000 })).toBe('stale');
    expect(verifySlackSignature({ ...VECTOR, nowMilliseconds: AT_VECTOR_TIME - 300_000 })).toBe('ok');
    expect(verifySlackSignature({ ...VECTOR, nowMilliseconds: AT_VECTOR_TIME - 301_000 })).toBe('stale');
  });
});
