/** Whether a stored token works at `now`: one rule for the CLI's check and ingest's hot path. */
export type TokenStatus = 'ok' | 'revoked' | 'expired';

export function tokenStatus(token: { revokedAt?: Date | null; expiresAt?: Date | null }, now: Date): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt <= now) return 'expired';
  return 'ok';
}
