import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../bot/messages/alert-message.ts';
import { fields, text, type Message } from '../../bot/messages/message.ts';
import { consoleAdapter } from './adapter.ts';
import { toTerminalText } from './terminal-text.ts';

const HOSTILE = [
  '\u001b[2J\u001b[H', // clear the screen
  '\u001b]0;pwned\u0007', // set the window title
  '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\', // an OSC 8 link
  'ok\rFAKE LINE', // overwrite the line
  '\u009b31m', // C1 CSI
  'abc\u202edcba', // right-to-left override
  'a\u2066b\u2069', // isolates
];

function alertNaming(cronName: string): Message {
  return {
    title: `my-vps: cron job failed (${cronName})`,
    severity: 'warning',
    blocks: [text(`${cronName} failed 3 times`), fields([['gateway failing', cronName]])],
    actions: [],
  };
}

describe('console adapter', () => {
  it('shows control characters and bidi overrides from a snapshot as visible escapes instead of sending them to the terminal', async () => {
    const written: string[] = [];
    const adapter = consoleAdapter((text) => written.push(text));
    for (const name of HOSTILE) {
      const ref = await adapter.post('stdout', alertNaming(name));
      await adapter.update(ref, alertNaming(name));
      await adapter.reply(ref, `resolved: ${name}`);
    }
    const output = written.join('');
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(output).toContain('\\x1b]0;pwned\\x07');
    expect(output).toContain('ok\\x0dFAKE LINE');
    expect(output).toContain('abc\\u202edcba');
    expect(output).toContain('\\x9b31m');
  });

  it('keeps its own line breaks between the parts of an alert', async () => {
    const written: string[] = [];
    await consoleAdapter((text) => written.push(text)).post('stdout', alertNaming('nightly\nbackup'));
    expect(written.join('')).toBe('\nmy-vps: cron job failed (nightly\\x0abackup)\nnightly\\x0abackup failed 3 times\ngateway failing: nightly\\x0abackup\n');
  });

  it('leaves ordinary text, including non-Latin scripts and emoji, as it is', () => {
    for (const text of ['heartbeat-main', 'Sicherung über Nacht', 'ночной бэкап', 'بالليل', '夜間バックアップ', 'deploy 🚀']) {
      expect(toTerminalText(text)).toBe(text);
    }
  });
});

describe('console adapter edits', () => {
  it('prints an edit only when it changes what the alert shows, and a resolution as a line of its own', async () => {
    const written: string[] = [];
    const adapter = consoleAdapter((text) => written.push(text));
    const open = alertMessage({ eventId: 'e1', instanceName: 'my-vps', kind: 'gateway-down', summary: 'the gateway does not answer', openedAt: new Date('2026-12-02T10:00:00Z') });
    const resolved = alertMessage({
      eventId: 'e1',
      instanceName: 'my-vps',
      kind: 'gateway-down',
      summary: 'the gateway does not answer',
      openedAt: new Date('2026-12-02T10:00:00Z'),
      resolved: { at: new Date('2026-12-02T10:05:00Z'), summary: 'the gateway is live and ready again' },
    });
    const ref = await adapter.post('stdout', open);
    await adapter.update(ref, open);
    expect(written.join('')).not.toContain('(updates alert #1)');
    await adapter.update(ref, resolved);
    await adapter.update(ref, resolved);
    const output = written.join('');
    expect(output.match(/\(updates alert #1\)/g)).toHaveLength(1);
    expect(output).toContain('✅ my-vps: gateway down — resolved\nthe gateway does not answer\nResolved: the gateway is live and ready again\n');
  });
});
