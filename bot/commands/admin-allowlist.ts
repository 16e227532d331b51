/**
 * `DEEPCLAW_ADMINS`: people who are DeepClaw admins in chat besides each platform's own admins,
 * as `platform:userId` pairs (`slack:U123,discord:456,telegram:789`). A platform id alone would
 * be ambiguous: the same digits can be a Discord and a Telegram user.
 */
const PLATFORMS = ['slack', 'discord', 'telegram', 'console'] as const;

export function parseAdminAllowlist(text: string): Set<string> {
  const admins = new Set<string>();
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^([a-z]+):([A-Za-z0-9_-]{1,64})$/.exec(entry);
    if (!match || !(PLATFORMS as readonly string[]).includes(match[1]!)) {
      throw new Error(`"${entry.slice(0, 40)}" is not platform:userId (like slack:U0123ABC or discord:80351110224678912); platforms: ${PLATFORMS.join(', ')}`);
    }
    admins.add(`${match[1]}:${match[2]}`);
  }
  return admins;
}
