/**
 * What a credential looks like. Used twice: to redact log lines, and (ingest) to refuse snapshots
 * carrying one. Patterns are anchored on each vendor's documented prefix so ordinary text, ids and
 * hashes do not match.
 */
export interface SecretPattern {
  kind: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'deepclaw_sync_token', pattern: /dcs_[0-9A-Za-z]{20,}/ },
  { kind: 'anthropic_api_key', pattern: /sk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: 'openai_api_key', pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'slack_token', pattern: /xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'slack_app_token', pattern: /xapp-\d-[A-Za-z0-9-]{10,}/ },
  { kind: 'discord_bot_token', pattern: /[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}/ },
  { kind: 'telegram_bot_token', pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/ },
  { kind: 'github_token', pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'aws_access_key_id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'private_key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
];

const ANY_SECRET = new RegExp(SECRET_PATTERNS.map(({ pattern }) => pattern.source).join('|'));
const ALL_SECRETS = new RegExp(ANY_SECRET.source, 'g');

/** The kind of the first credential found in `text`, if any. One pass when there is none. */
export function findSecretKind(text: string): string | undefined {
  if (!ANY_SECRET.test(text)) return undefined;
  return SECRET_PATTERNS.find(({ pattern }) => pattern.test(text))?.kind;
}

/** `text` with every credential replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(ALL_SECRETS, '[redacted]');
}
