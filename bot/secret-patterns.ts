/**
 * What a credential looks like. Used twice: to redact log lines, and (ingest) to refuse snapshots
 * carrying one. Patterns are anchored on each vendor's documented prefix so ordinary text, ids and
 * hashes do not match.
 */
export interface SecretPattern {
  kind: string;
  pattern: RegExp;
  /**
   * Literal text every match contains. Scanning a 13 KB snapshot for a literal is far cheaper
   * than running the pattern, so a pattern only runs when one of its hints is present.
   */
  hints?: string[];
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'deepclaw_sync_token', pattern: /dcs_[0-9A-Za-z]{20,}/, hints: ['dcs_'] },
  { kind: 'anthropic_api_key', pattern: /sk-ant-[A-Za-z0-9_-]{20,}/, hints: ['sk-ant-'] },
  { kind: 'openai_api_key', pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/, hints: ['sk-'] },
  { kind: 'slack_token', pattern: /xox[abposr]-[A-Za-z0-9-]{10,}/, hints: ['xox'] },
  { kind: 'slack_app_token', pattern: /xapp-\d-[A-Za-z0-9-]{10,}/, hints: ['xapp-'] },
  { kind: 'discord_bot_token', pattern: /[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}/ },
  // Bot ids have grown from 6 to 10 digits; the secret half is 35 characters (34 in Bot API docs).
  { kind: 'telegram_bot_token', pattern: /(?<![0-9])\d{6,10}:[A-Za-z0-9_-]{30,}/ },
  // A JWT: base64url header `{"…` and payload `{"…`, then the signature (may be empty for alg none).
  { kind: 'json_web_token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/, hints: ['eyJ'] },
  {
    kind: 'github_token',
    pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/,
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  },
  { kind: 'aws_access_key_id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, hints: ['AKIA', 'ASIA'] },
  // PEM (`RSA PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, …) and PGP (`PGP PRIVATE KEY BLOCK`).
  { kind: 'private_key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, hints: ['PRIVATE KEY'] },
];

const ALL_SECRETS = new RegExp(SECRET_PATTERNS.map(({ pattern }) => pattern.source).join('|'), 'g');

const escapeRegExp = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One pass over the text for every hint at once; most snapshots contain none. */
const ANY_HINT = new RegExp(SECRET_PATTERNS.flatMap(({ hints }) => hints ?? []).map(escapeRegExp).join('|'));
const UNHINTED = SECRET_PATTERNS.filter(({ hints }) => !hints);

/** The kind of the first credential found in `text`, if any. */
export function findSecretKind(text: string): string | undefined {
  const candidates = ANY_HINT.test(text) ? SECRET_PATTERNS : UNHINTED;
  for (const { kind, pattern, hints } of candidates) {
    if (hints && !hints.some((hint) => text.includes(hint))) continue;
    if (pattern.test(text)) return kind;
  }
  return undefined;
}

/** `text` with every credential replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(ALL_SECRETS, '[redacted]');
}
