/**
 * Discord's interaction signing (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers):
 * an Ed25519 signature, hex in `X-Signature-Ed25519`, over `<X-Signature-Timestamp><raw body>`,
 * checked with the application's public key. `node:crypto` verifies Ed25519 itself, so no
 * library is involved. Pure, with the clock passed in, so stale requests are tested without waiting.
 * Checked on the raw bytes before anything parses them.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Discord itself does not bound the timestamp, but a signature has no other expiry: without a
 * window, a captured request could be replayed forever. 5 minutes either side, as Slack's.
 */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureCheck = 'ok' | 'missing_headers' | 'stale' | 'bad_signature';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo: Discord gives the bare 32-byte key in hex. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (64 hex characters) as a key node:crypto verifies with. */
export function toPublicKey(publicKeyHex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
}

export function verifyDiscordSignature(input: {
  publicKey: KeyObject;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMilliseconds: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'missing_headers';
  if (!/^[0-9a-f]{128}$/i.test(signature)) return 'bad_signature';
  if (Math.abs(input.nowMilliseconds / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return 'stale';
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), input.rawBody]);
  return verify(null, signed, input.publicKey, Buffer.from(signature, 'hex')) ? 'ok' : 'bad_signature';
}
