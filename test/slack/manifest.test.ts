import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../bot/commands/grammar.ts';

const read = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('the Slack app manifests in docs/', () => {
  it.each(['slack-manifest.yml', 'slack-manifest-socket-mode.yml'])('%s declares the slash command, interactivity and exactly the bot scopes DeepClaw uses', (name) => {
    const manifest = read(name);
    expect(manifest).toContain('- command: /deepclaw');
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/bot:\n\s+- commands\n\s+- chat:write\n\s+- users:read\n/);
    expect(manifest).not.toMatch(/\t/);
  });

  it('points HTTP mode at the route the service serves, and Socket Mode at no URL', () => {
    expect(read('slack-manifest.yml').match(/https:\/\/deepclaw\.example\.com\/slack\/events/g)).toHaveLength(2);
    expect(read('slack-manifest.yml')).toContain('socket_mode_enabled: false');
    expect(read('slack-manifest-socket-mode.yml')).not.toContain('url:');
    expect(read('slack-manifest-socket-mode.yml')).toContain('socket_mode_enabled: true');
  });

  it('documents every subcommand in docs/slack.md', () => {
    const guide = read('slack.md');
    for (const spec of Object.values(SUBCOMMANDS)) expect(guide).toContain(spec.usage.replace('/deepclaw ', '').replace(/\|/g, '\\|'));
  });
});
