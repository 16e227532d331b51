/** docs/telegram.md keeps up with the code: every subcommand, every Telegram variable, the webhook path. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_PATH } from '../../adapters/telegram/webhook.ts';
import { SUBCOMMANDS } from '../../bot/commands/grammar.ts';
import { ENVIRONMENT_VARIABLES } from '../../bot/config.ts';

const guide = readFileSync(new URL('../../docs/telegram.md', import.meta.url), 'utf8');

describe('docs/telegram.md', () => {
  it('documents every subcommand', () => {
    for (const spec of Object.values(SUBCOMMANDS)) expect(guide).toContain(spec.usage.replace('/deepclaw ', '').replace(/\|/g, '\\|'));
  });

  it('documents every Telegram variable and the webhook path', () => {
    for (const name of ENVIRONMENT_VARIABLES.filter((variable) => variable.startsWith('TELEGRAM_'))) expect(guide).toContain(`\`${name}\``);
    expect(guide).toContain(WEBHOOK_PATH);
  });
});
