import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toPublicKey, verifyDiscordSignature } from './verify-signature.ts';

// A key pair made for this test; Discord signs with the application's private key the same way.
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUBLIC_HEX = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const NOW = 1_795_000_000_000;
const TIMESTAMP = String(NOW / 1000);
const BODY = Buffer.from('{"type":1,"id":"1","application_id":"2","token":"t","version":1}');
const SIGNATURE = sign(null, Buffer.concat([Buffer.from(TIMESTAMP), BODY]), privateKey).toString('hex');
const VALID = { publicKey: toPublicKey(PUBLIC_HEX), rawBody: BODY, timestamp: TIMESTAMP, signature: SIGNATURE, nowMilliseconds: NOW };

describe('Discord interaction signatures', () => {
  it('accepts a signature by the application key over the timestamp and the raw body', () => {
    expect(verifyDiscordSignature(VALID)).toBe('ok');
  });

  it.each([
    ['a changed body', { rawBody: Buffer.from(BODY.toString().replace('"type":1', '"type":2')) }, 'bad_signature'],
    ['another key', { publicKey: toPublicKey(generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex')) }, 'bad_signature'],
    ['another timestamp', { timestamp: String(Number(TIMESTAMP) + 1) }, 'bad_signature'],
    ['a truncated signature', { signature: SIGNATURE.slice(0, 100) }, 'bad_signature'],
    ['a signature that is not hex', { signature: 'z'.repeat(128) }, 'bad_signature'],
    ['no signature', { signature: undefined }, 'missing_headers'],
    ['no timestamp', { timestamp: undefined }, 'missing_headers'],
    ['a timestamp that is not a number', { timestamp: `${TIMESTAMP}.5` }, 'missing_headers'],
  ])('refuses %s', (_what, change, result) => {
    expect(verifyDiscordSignature({ ...VALID, ...change })).toBe(result);
  });

  it('accepts up to 5 minutes either side of now, and no further', () => {
    expect(verifyDiscordSignature({ ...VALID, nowMilliseconds: NOW + 300_000 })).toBe('ok');
    expect(verifyDiscordSignature({ ...VALID, nowMilliseconds: NOW + 301_000 })).toBe('stale');
    expect(verifyDiscordSignature({ ...VALID, nowMilliseconds: NOW - 300_000 })).toBe('ok');
    expect(verifyDiscordSignature({ ...VALID, nowMilliseconds: NOW - 301_000 })).toBe('stale');
  });
});
