import { describe, expect, it } from 'vitest';
import { checkSyncTokenFormat, generateSyncToken, hashSyncToken, SYNC_TOKEN_LENGTH, visibleIdOf } from './sync-token-format.ts';

describe('sync token format', () => {
  it('is dcs_ followed by 49 base62 characters', () => {
    const token = generateSyncToken();
    expect(token).toMatch(/^dcs_[0-9A-Za-z]{49}$/);
    expect(token).toHaveLength(SYNC_TOKEN_LENGTH);
  });

  it('pads short random values so every token has the same length', () => {
    const zeros = generateSyncToken((size) => new Uint8Array(size));
    expect(zeros).toHaveLength(SYNC_TOKEN_LENGTH);
    expect(checkSyncTokenFormat(zeros)).toBe('ok');
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateSyncToken()));
    expect(tokens.size).toBe(2000);
  });

  it('accepts its own tokens', () => {
    for (let i = 0; i < 200; i++) expect(checkSyncTokenFormat(generateSyncToken())).toBe('ok');
  });

  it('catches any single mistyped character with the checksum', () => {
    const token = generateSyncToken();
    for (let position = 4; position < token.length; position++) {
      const replacement = token[position] === 'a' ? 'b' : 'a';
      const typo = token.slice(0, position) + replacement + token.slice(position + 1);
      expect(checkSyncTokenFormat(typo)).toBe('bad_checksum');
    }
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', `dcx_${'a'.repeat(49)}`],
    ['truncated', generateSyncToken().slice(0, -1)],
    ['too long', `${generateSyncToken()}a`],
    ['non-base62 character', `dcs_${'a'.repeat(48)}-`],
    ['surrounding whitespace', ` ${generateSyncToken()}`],
  ])('calls a %s token malformed', (_, candidate) => {
    expect(checkSyncTokenFormat(candidate)).toBe('malformed');
  });

  it('hashes to a stable 64-character hex SHA-256 that does not contain the token', () => {
    const token = generateSyncToken();
    expect(hashSyncToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSyncToken(token)).toBe(hashSyncToken(token));
    expect(hashSyncToken(token)).not.toBe(hashSyncToken(generateSyncToken()));
  });

  it('shows only the prefix and six random characters as the visible id', () => {
    const token = generateSyncToken();
    expect(visibleIdOf(token)).toBe(token.slice(0, 10));
  });
});
