import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../bot/messages/alert-message.ts';
import { code, fields, list, message, note, text } from '../../bot/messages/message.ts';
import { CALLBACK_DATA_LIMIT, escapeHtml, fromCallbackData, MESSAGE_LIMIT, renderMessage, TRIMMED_NOTE } from './render.ts';

const EVENT = '0b7a7f3e-4c1d-4f7a-9d2e-6a5b4c3d2e1f';

describe('Telegram rendering', () => {
  it('escapes every dynamic value, so markup in names shows as typed', () => {
    const rendered = renderMessage(
      message('<b>bold</b> & <script>alert(1)</script>', text('model evil/<i>x</i> &amp; @channel'), fields([['Job <a href="x">', '@here & co']]), list(['<u>gw</u>']), note('<tg-spoiler>')),
    );
    const [html] = rendered.parts;
    expect(html).toBe(
      [
        '<b>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</b>',
        'model evil/&lt;i&gt;x&lt;/i&gt; &amp;amp; @channel',
        '<b>Job &lt;a href="x"&gt;:</b> @here &amp; co',
        '• &lt;u&gt;gw&lt;/u&gt;',
        '<i>&lt;tg-spoiler&gt;</i>',
      ].join('\n\n'),
    );
    expect(escapeHtml('&<>')).toBe('&amp;&lt;&gt;');
  });

  it('puts an alert’s Ack and Mute buttons on one row, each callback_data under 64 bytes', () => {
    const rendered = renderMessage(alertMessage({ eventId: EVENT, instanceName: 'vps', kind: 'stale', summary: 'quiet', openedAt: new Date('2026-12-02T10:00:00Z') }), { maxParts: 1 });
    const row = rendered.keyboard!.inline_keyboard[0]!;
    expect(row.map((b) => b.text)).toEqual(['Ack', 'Mute 1h', 'Mute 24h']);
    for (const button of row) {
      const data = (button as { callback_data: string }).callback_data;
      expect(Buffer.byteLength(data)).toBeLessThan(CALLBACK_DATA_LIMIT);
      expect(fromCallbackData(data)).toMatchObject({ eventId: EVENT });
    }
    expect(row.map((b) => fromCallbackData((b as { callback_data: string }).callback_data)!.action)).toEqual(['ack', 'mute-1h', 'mute-24h']);
    expect(fromCallbackData('frobnicate:1')).toBeUndefined();
    expect(renderMessage(message('answer')).keyboard).toBeUndefined();
  });

  it('shows a token in <pre> so it copies exactly', () => {
    expect(renderMessage(message('t', code('dcs_abc&<', true))).parts[0]).toContain('<pre>dcs_abc&amp;&lt;</pre>');
  });

  it('splits a 5,000-character answer into messages of at most 4,096, and trims an alert with a note', () => {
    const long = message('Status', text('a'.repeat(3000)), text('b'.repeat(2000)));
    const split = renderMessage(long);
    expect(split.parts).toHaveLength(2);
    expect(split.parts.every((part) => part.length <= MESSAGE_LIMIT)).toBe(true);
    expect(split.parts.join('')).toContain('b'.repeat(2000));

    const trimmed = renderMessage(long, { maxParts: 1 });
    expect(trimmed.parts).toHaveLength(1);
    expect(trimmed.parts[0]!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(trimmed.parts[0]).toContain('a'.repeat(3000));
    expect(trimmed.parts[0]!.endsWith(TRIMMED_NOTE)).toBe(true);

    const huge = renderMessage(message('One block', text('<'.repeat(5000))), { maxParts: 1 });
    expect(huge.parts[0]!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(huge.parts[0]).toMatch(/(&lt;)+…$/);
  });

  it('cuts a long list to what one message holds and says how many are hidden', () => {
    const items = Array.from({ length: 400 }, (_, i) => ({ text: `🟢 gw-${String(i).padStart(3, '0')}: healthy, synced 2 minutes ago`, counted: { one: 'healthy instance', other: 'healthy instances' } }));
    const [html, ...rest] = renderMessage(message('Fleet', text('400 instances'), list(items))).parts;
    expect(rest).toEqual([]);
    expect(html!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const lines = html!.split('\n');
    expect(lines.at(-1)).toMatch(/^• …and \d+ more healthy instances$/);
  });
});
