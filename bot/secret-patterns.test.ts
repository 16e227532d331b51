import { describe, expect, it } from 'vitest';
import { ALL_SECRET_SAMPLES, SECRET_SAMPLES } from '../test/support/secret-samples.ts';
import { findSecretKind, redactSecrets, SECRET_PATTERNS } from './secret-patterns.ts';

describe('secret patterns', () => {
  it('has a sample for every kind it knows, so each kind is proven by the tests below', () => {
    expect(Object.keys(SECRET_SAMPLES).sort()).toEqual(SECRET_PATTERNS.map(({ kind }) => kind).sort());
  });

  it.each(ALL_SECRET_SAMPLES)('recognises a $kind on its own and inside text', ({ value }) => {
    expect(findSecretKind(value)).toBeDefined();
    expect(findSecretKind(`job failed: ${value}\n`)).toBeDefined();
    expect(redactSecrets(`key=${value};`)).not.toContain(value);
  });

  it('recognises JWTs, Telegram bot tokens with a 6-digit id and PGP private key blocks', () => {
    expect(findSecretKind('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')).toBeDefined();
    expect(findSecretKind('123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11')).toBe('telegram_bot_token');
    expect(findSecretKind('-----BEGIN PGP PRIVATE KEY BLOCK-----')).toBe('private_key');
  });

  it('leaves ordinary snapshot text alone', () => {
    for (const text of ['2026-11-21T20:00:00.000Z', 'anthropic/claude-opus-4-6', 'heartbeat-main', '0 */6 * * *', 'Europe/Berlin', 'gateway.bind.public', '3f1c2b4e-9a7d-4c1e-8b2a-1d2e3f4a5b6c']) {
      expect(findSecretKind(text)).toBeUndefined();
    }
  });
});
