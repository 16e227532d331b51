/**
 * One realistic credential per kind the secret guard knows (bot/secret-patterns.ts), for tests
 * that must prove each is refused. secret-patterns.test.ts fails if a kind has no sample here.
 */
import { generateSyncToken } from '../../bot/tokens/sync-token-format.ts';

export const SECRET_SAMPLES: Record<string, readonly string[]> = {
  deepclaw_sync_token: [generateSyncToken()],
  anthropic_api_key: ['sk-ant-api03-Zx8yWq2LmN4pR7sT0uV3wX6yZ9aB'],
  openai_api_key: ['sk-proj-4fGh7JkL0mNpQ2rStUvWxYz1'],
  slack_token: ['xoxb-123456789012-1234567890123-AbCdEfGhIjKl'],
  slack_app_token: ['xapp-1-A0123456789-1234567890123-abcdef'],
  discord_bot_token: ['MTAxMjM0NTY3ODkwMTIzNDU2.GaBcDe.abcdefghijklmnopqrstuvwxyz0'],
  telegram_bot_token: ['123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11', '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq'],
  json_web_token: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  github_token: ['ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'],
  aws_access_key_id: ['AKIAIOSFODNN7EXAMPLE'],
  private_key: ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY-----'],
};

export const ALL_SECRET_SAMPLES: readonly { kind: string; value: string }[] = Object.entries(SECRET_SAMPLES).flatMap(([kind, values]) =>
  values.map((value) => ({ kind, value })),
);
