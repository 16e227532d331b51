import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../bot/messages/alert-message.ts';
import { code, list, message, note, text } from '../../bot/messages/message.ts';
import { escapeSlackText, renderMessage } from './render.ts';

const NASTY = '<!channel> *bold* _italic_ ~strike~ `code` & <@U0BOB> <https://evil.example|click>';

/** Every text object of the rendered blocks. */
function texts(blocks: unknown[]): { type: string; text: string }[] {
  return JSON.stringify(blocks).match(/\{"type":"(?:plain_text|mrkdwn)","text":"(?:[^"\\]|\\.)*"/g)!.map((json) => JSON.parse(`${json}}`));
}

describe('Slack rendering', () => {
  it('escapes the three characters Slack reserves', () => {
    expect(escapeSlackText('a < b > c & <!channel>')).toBe('a &lt; b &gt; c &amp; &lt;!channel&gt;');
  });

  it('renders an alert about anything a user or an agent named as plain text, escaped, with its buttons', () => {
    const rendered = renderMessage(alertMessage({ eventId: 'e1', instanceName: 'my-vps', kind: 'cron-failed', summary: `job ${NASTY} failed`, openedAt: new Date('2026-11-21T12:00:00Z') }));
    const all = texts(rendered.blocks);
    expect(all.filter((t) => t.text.includes('bold'))).toEqual([{ type: 'plain_text', text: `job ${escapeSlackText(NASTY)} failed` }]);
    for (const t of all) {
      expect(t.type).toBe('plain_text');
      expect(t.text).not.toMatch(/[<>]/);
    }
    expect(rendered.text).not.toMatch(/[<>]/);
    expect(rendered.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'deepclaw_ack', value: 'e1' }, { action_id: 'deepclaw_mute_1h' }, { action_id: 'deepclaw_mute_24h' }] });
  });

  it('renders a command reply with user text as plain text and code as an escaped fence', () => {
    const rendered = renderMessage(message(`Status of ${NASTY}`, text(NASTY), code('cat > ~/token && echo `ok`'), note(NASTY)));
    const all = texts(rendered.blocks);
    expect(all.filter((t) => t.type === 'mrkdwn')).toEqual([{ type: 'mrkdwn', text: "```cat &gt; ~/token &amp;&amp; echo 'ok'```" }]);
    for (const t of all.filter((t) => t.type === 'plain_text')) expect(t.text).not.toMatch(/[<>]/);
    expect(rendered.text).not.toMatch(/[<>]/);
  });

  it('keeps within Block Kit limits', () => {
    const rendered = renderMessage(message('x'.repeat(500), text('y'.repeat(5000))));
    expect((rendered.blocks[0] as { text: { text: string } }).text.text).toHaveLength(150);
    expect((rendered.blocks[1] as { text: { text: string } }).text.text).toHaveLength(3000);
  });
});

describe('Slack rendering of long lists', () => {
  it('shows 500 instances as many as a section holds, problems first, and names what it hid', () => {
    const healthy = { one: 'healthy instance', other: 'healthy instances' };
    const items = [
      { text: `🔴 gw-110: stale, last sync 40 min ago, 1 open event (stale) ${NASTY}`, counted: { one: 'stale instance', other: 'stale instances' } },
      ...Array.from({ length: 499 }, (_, i) => ({ text: `🟢 gw-${1000 + i}: ok, last sync 2 min ago & <fine>`, counted: healthy })),
    ];
    const rendered = renderMessage(message('Workspace "big"', list(items), note('/deepclaw status <instance> for one in detail.')));
    const section = rendered.blocks[1] as { type: string; text: { type: string; text: string } };
    expect(section.text.type).toBe('plain_text');
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    const lines = section.text.text.split('\n');
    expect(lines[0]).toContain('gw-110');
    expect(lines[0]).not.toMatch(/[<>]/);
    expect(lines.at(-1)).toBe(`• …and ${500 - (lines.length - 1)} more healthy instances`);
    expect(lines.length).toBeGreaterThan(20);
    // The note under the list is still there: nothing after the list was pushed out.
    expect(rendered.blocks.at(-1)).toMatchObject({ type: 'context' });
  });

  it('says how many blocks did not fit rather than dropping them unseen', () => {
    const rendered = renderMessage(message('many', ...Array.from({ length: 80 }, (_, i) => text(`paragraph ${i}`))));
    expect(rendered.blocks).toHaveLength(50);
    expect(JSON.stringify(rendered.blocks.at(-1))).toContain('…and 32 more parts of this message that Slack cannot show');
  });
});
