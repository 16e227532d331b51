/**
 * The sync token's shape, as ARCHITECTURE.md section 5 fixes it:
 *
 *   dcs_ + 43 base62 characters (32 random bytes) + 6 base62 characters (CRC32 of what precedes)
 *
 * The fixed prefix and checksum let secret scanners recognise a leaked token, and let ingest
 * reject a mistyped one without touching the database. Pure functions only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { toBase62, uint32ToBase62 } from './base62.ts';

export const SYNC_TOKEN_PREFIX = 'dcs_';
const RANDOM_BYTES = 32;
const RANDOM_CHARS = 43; // ceil(256 / log2(62))
const CHECKSUM_CHARS = 6; // 62^6 > 2^32
const VISIBLE_RANDOM_CHARS = 6;

export const SYNC_TOKEN_LENGTH = SYNC_TOKEN_PREFIX.length + RANDOM_CHARS + CHECKSUM_CHARS;
const SYNC_TOKEN_SHAPE = new RegExp(`^${SYNC_TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

export type SyncTokenFormat = 'ok' | 'malformed' | 'bad_checksum';

export function generateSyncToken(random: (size: number) => Uint8Array = randomBytes): string {
  const body = SYNC_TOKEN_PREFIX + toBase62(random(RANDOM_BYTES), RANDOM_CHARS);
  return body + checksumOf(body);
}

/** Whether `candidate` has a sync token's shape and a matching checksum. */
export function checkSyncTokenFormat(candidate: string): SyncTokenFormat {
  if (!SYNC_TOKEN_SHAPE.test(candidate)) return 'malformed';
  const body = candidate.slice(0, -CHECKSUM_CHARS);
  return checksumOf(body) === candidate.slice(-CHECKSUM_CHARS) ? 'ok' : 'bad_checksum';
}

/** What the database stores: the token's SHA-256 in hex. */
export function hashSyncToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `dcs_AbC123`: enough to tell tokens apart in lists and audit rows, useless to an attacker. */
export function visibleIdOf(token: string): string {
  return token.slice(0, SYNC_TOKEN_PREFIX.length + VISIBLE_RANDOM_CHARS);
}

function checksumOf(body: string): string {
  return uint32ToBase62(crc32(body), CHECKSUM_CHARS);
}
