import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../bot/messages/alert-message.ts';
import { fields, list, message, note, text } from '../../bot/messages/message.ts';
import { actionToCustomId, customIdToAction, EMBED_LIMITS, escapeDiscordMarkdown, renderMessage } from './render.ts';

const NOW = new Date('2026-12-02T12:00:00Z');
/** What Discord counts against the 6000 characters of an embed. */
const embedLength = (embed: any) =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);
const unescaped = (value: string) => value.replace(/\\([^A-Za-z0-9\s])/g, '$1');

describe('Discord rendering', () => {
  it('colours by severity, names the instance and since when, stamps the time and offers the buttons', () => {
    const alert = alertMessage({ eventId: '0b7f5c7e-4d4c-4c8e-9a59-3f2f1c1d2e3f', instanceName: 'my-vps', kind: 'cost-drift', summary: 'spend is 2.1x the usual', openedAt: NOW });
    const rendered = renderMessage(alert, NOW);
    expect(rendered.embeds[0]).toMatchObject({ color: 0xf0b232, timestamp: '2026-12-02T12:00:00.000Z', description: 'spend is 2.1x the usual' });
    expect(rendered.embeds[0]!.fields!.map((f) => [f.name, f.value])).toEqual([
      ['Instance', 'my-vps'],
      ['Since', '2026-12-02 12:00 UTC'],
    ]);
    expect(rendered.allowed_mentions).toEqual({ parse: [] });
    const ids = rendered.components[0]!.components.map((button) => (button as { custom_id: string }).custom_id);
    expect(ids.map(customIdToAction)).toEqual([
      { action: 'ack', eventId: '0b7f5c7e-4d4c-4c8e-9a59-3f2f1c1d2e3f' },
      { action: 'mute-1h', eventId: '0b7f5c7e-4d4c-4c8e-9a59-3f2f1c1d2e3f' },
      { action: 'mute-24h', eventId: '0b7f5c7e-4d4c-4c8e-9a59-3f2f1c1d2e3f' },
    ]);
    expect(customIdToAction('someone-elses:button')).toBeUndefined();
    expect(actionToCustomId({ id: 'ack', label: 'Ack', eventId: 'x' })).toBe('deepclaw:ack:x');
  });

  it('escapes every markdown character and mention, so text shows exactly as typed', () => {
    for (const typed of ['@everyone', '<@123> <@&456> <#789>', '**bold** __under__ ~~strike~~', '`tick` ```block```', '||spoiler||', '[click](https://evil.example)', '# heading', '- item', '1. first', '> quote', 'a\\b']) {
      const escaped = escapeDiscordMarkdown(typed);
      expect(unescaped(escaped)).toBe(typed);
      expect(escaped.replace(/\\./g, '')).not.toMatch(/[*_~`|<>[\]()#@]|^[-+>] |^\d+\. |:\/\//m);
    }
  });

  it('keeps within Discord’s embed limits and says what did not fit', () => {
    const long = message(
      'x'.repeat(300),
      text('y'.repeat(1000)),
      list(Array.from({ length: 400 }, (_, i) => ({ text: `instance-${i}: ok, last sync 1 min ago`, counted: { one: 'healthy instance', other: 'healthy instances' } }))),
      fields(Array.from({ length: 30 }, (_, i) => [`Field ${i}`, 'v'.repeat(1500)] as [string, string])),
      note('n'.repeat(2500)),
    );
    const [embed] = renderMessage(long, NOW).embeds;
    expect(embed!.title!.length).toBe(EMBED_LIMITS.title);
    expect(embed!.title!.endsWith('…')).toBe(true);
    expect(embed!.fields!.at(-1)!.value).toBe(`…and ${30 - (embed!.fields!.length - 1)} more fields`);
    for (const field of embed!.fields!) expect(field.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(embed!.footer!.text.length).toBeLessThanOrEqual(EMBED_LIMITS.footer);
    expect(embed!.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);

    // Many short fields: 24 of them and a 25th saying how many more there were.
    const [many] = renderMessage(message('t', fields(Array.from({ length: 30 }, (_, i) => [`F${i}`, 'v'] as [string, string]))), NOW).embeds;
    expect(many!.fields).toHaveLength(EMBED_LIMITS.fields);
    expect(many!.fields!.at(-1)!.value).toBe('…and 6 more fields');
    const [exactly] = renderMessage(message('t', fields(Array.from({ length: 25 }, (_, i) => [`F${i}`, 'v'] as [string, string]))), NOW).embeds;
    expect(exactly!.fields!.at(-1)).toMatchObject({ name: 'F24', value: 'v' });

    // A long list alone fills the description up to 4096 and ends with what was left out.
    const [fleet] = renderMessage(message('Workspace "acme"', list(Array.from({ length: 400 }, (_, i) => ({ text: `gw-${i}: ok`, counted: { one: 'healthy instance', other: 'healthy instances' } })))), NOW).embeds;
    const lines = fleet!.description!.split('\n');
    expect(fleet!.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(lines.at(-1)).toBe(`• …and ${400 - (lines.length - 1)} more healthy instances`);
    expect(lines.length).toBeGreaterThan(100);
  });

  it('puts notes in the footer as written (Discord shows no markdown there) and code in a fence', () => {
    const [embed] = renderMessage(message('New sync token', { kind: 'code', text: 'dcs_abc`def', secret: true }, note('Shown once; only its hash is kept.')), NOW).embeds;
    expect(embed!.description).toBe("```\ndcs_abc'def\n```");
    expect(embed!.footer).toEqual({ text: 'Shown once; only its hash is kept.' });
    expect(embed!.color).toBe(0x5865f2);
  });
});
