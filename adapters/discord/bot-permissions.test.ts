import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS, inviteUrl } from './bot-permissions.ts';

describe('the bot’s invite', () => {
  it('asks for View Channel, Send Messages, Embed Links and Read Message History only, as docs/discord.md says', () => {
    expect(BOT_PERMISSIONS).toBe((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n));
    expect(String(BOT_PERMISSIONS)).toBe('84992');
    const docs = readFileSync(new URL('../../docs/discord.md', import.meta.url), 'utf8');
    expect(docs).toContain(inviteUrl('<DISCORD_APPLICATION_ID>'));
  });
});
