import { checkSyncTokenFormat } from '../bot/tokens/sync-token-format.ts';
import { IngestError } from './ingest-error.ts';

const ROTATE_HINT = 'an admin can issue a new one with /deepclaw rotate-token <instance> or `deepclaw token rotate <instance>`';

/**
 * The sync token from `Authorization: Bearer dcs_…`, checked for shape and checksum before any
 * database lookup. Messages never echo what was sent.
 */
export function bearerToken(header: string | undefined): string {
  if (!header) {
    throw new IngestError(401, 'missing_token', 'send the sync token as "Authorization: Bearer dcs_…"');
  }
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  const format = match ? checkSyncTokenFormat(match[1]!) : 'malformed';
  if (format === 'malformed') {
    throw new IngestError(401, 'malformed_token', `the Authorization header does not hold a DeepClaw sync token (Bearer dcs_…); ${ROTATE_HINT}`);
  }
  if (format === 'bad_checksum') {
    throw new IngestError(401, 'bad_token_checksum', 'the sync token is mistyped or truncated (its checksum does not match); copy it again');
  }
  return match![1]!;
}

export function rejectedTokenError(reason: 'unknown' | 'revoked' | 'expired'): IngestError {
  const messages = {
    unknown: `this sync token is not valid; ${ROTATE_HINT}`,
    revoked: `this sync token was revoked; ${ROTATE_HINT}`,
    expired: `this sync token was rotated and its grace period is over; use the new token, or ${ROTATE_HINT}`,
  } as const;
  return new IngestError(401, `${reason}_token`, messages[reason]);
}
