/**
 * The dashboard's unguessable strings: sign-in links, session cookies, share links. 32 random
 * bytes each (base64url), stored only as SHA-256, so the database holds nothing that opens a door.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `prefix` + 43 characters of base64url (256 bits). The prefix says what a leaked one is. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A secret is prefix + base64url; anything else is refused before a query is made. */
export function isWellFormedSecret(value: string, prefix: string): boolean {
  return value.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(prefix.length));
}
