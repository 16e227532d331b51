/** Checks made before any network: the API URL, the token, interval values, backoff arithmetic. */
import { describe, expect, it } from 'vitest';
import { generateSyncToken } from '../../../bot/tokens/sync-token-format.ts';
import { AgentError } from '../../../agent/agent-error.ts';
import { isLoopback, snapshotEndpoint } from '../../../agent/api-url.ts';
import { parseRetryAfter, retryDelayMs } from '../../../agent/backoff.ts';
import { parseDuration } from '../../../agent/cli.ts';
import { EXIT } from '../../../agent/exit-codes.ts';
import { resolveSyncToken } from '../../../agent/sync-token.ts';

describe('snapshotEndpoint', () => {
  it.each([
    ['https://deepclaw.example.com', 'https://deepclaw.example.com/v1/snapshots'],
    ['https://deepclaw.example.com/', 'https://deepclaw.example.com/v1/snapshots'],
    ['https://example.com/deepclaw', 'https://example.com/deepclaw/v1/snapshots'],
    ['http://localhost:3000', 'http://localhost:3000/v1/snapshots'],
    ['http://127.0.0.53:3000', 'http://127.0.0.53:3000/v1/snapshots'],
    ['http://[::1]:3000', 'http://[::1]:3000/v1/snapshots'],
  ])('%s -> %s', (base, endpoint) => {
    expect(snapshotEndpoint(base).href).toBe(endpoint);
  });

  it.each([
    [undefined, 'api_url_missing'],
    ['  ', 'api_url_missing'],
    ['http://10.0.0.5:3000', 'api_url_insecure'],
    ['http://localhost.evil.example', 'api_url_insecure'],
    ['ftp://deepclaw.example.com', 'api_url_invalid'],
    ['https://user:pass@deepclaw.example.com', 'api_url_credentials'],
  ])('refuses %j (%s) with exit 4', (base, code) => {
    const error = (() => {
      try {
        snapshotEndpoint(base);
      } catch (caught) {
        return caught as AgentError;
      }
    })();
    expect(error).toMatchObject({ code, exitCode: EXIT.apiUrl });
  });

  it('treats only this machine as loopback', () => {
    expect(['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopback)).toBe(true);
    expect(['localhost.example', '128.0.0.1', '0.0.0.0', '::ffff:10.0.0.1', 'example.com'].some(isLoopback)).toBe(false);
  });
});

describe('resolveSyncToken', () => {
  it('accepts a well-formed token from the environment, trimmed', () => {
    const token = generateSyncToken();
    expect(resolveSyncToken({ env: { DEEPCLAW_SYNC_TOKEN: ` ${token}\n` } })).toBe(token);
  });

  it('catches every single mistyped character by its checksum', () => {
    const token = generateSyncToken();
    for (let index = 4; index < token.length; index += 7) {
      const typo = token.slice(0, index) + (token[index] === 'x' ? 'y' : 'x') + token.slice(index + 1);
      expect(() => resolveSyncToken({ env: { DEEPCLAW_SYNC_TOKEN: typo } })).toThrow(expect.objectContaining({ code: 'token_bad_checksum', exitCode: EXIT.token }));
    }
  });

  it('never puts the token in a message', () => {
    const almost = `${generateSyncToken()}!`;
    try {
      resolveSyncToken({ env: { DEEPCLAW_SYNC_TOKEN: almost } });
    } catch (error) {
      expect((error as Error).message).not.toContain(almost.slice(4, 20));
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['300', 300],
    ['90s', 90],
    ['5m', 300],
    ['1h30m', 5400],
    ['1d', 86_400],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text, '--interval', 10, 86_400)).toBe(seconds);
  });

  it.each(['', '5', '5 m', 'm5', '2d', '-1m', '1.5m'])('refuses %j for --interval', (text) => {
    expect(() => parseDuration(text, '--interval', 10, 86_400)).toThrow(/--interval/);
  });
});

describe('backoff', () => {
  it('doubles from 2 s up to the cap, half fixed and half random', () => {
    const delays = (random: number) => [0, 1, 2, 3, 10].map((attempt) => retryDelayMs({ attempt, capMs: 10_000, random: () => random }));
    expect(delays(0)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(delays(1)).toEqual([2000, 4000, 8000, 10_000, 10_000]);
  });

  it('treats Retry-After as a floor', () => {
    expect(retryDelayMs({ attempt: 5, retryAfterMs: 1000, capMs: 60_000, random: () => 0 })).toBe(1000);
    expect(retryDelayMs({ attempt: 0, retryAfterMs: 600_000, capMs: 60_000, random: () => 1 })).toBe(630_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-21T20:45:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 20:46:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('99999999', now)).toBe(86_400_000);
  });
});
