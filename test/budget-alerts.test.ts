/** The budget kind renders on every platform from the one message model, with its title and summary. */
import { describe, expect, it } from 'vitest';
import { toTerminalMessage } from '../adapters/console/terminal-message.ts';
import { renderMessage as renderDiscord } from '../adapters/discord/render.ts';
import { renderMessage as renderSlack } from '../adapters/slack/render.ts';
import { renderMessage as renderTelegram } from '../adapters/telegram/render.ts';
import { alertMessage } from '../bot/messages/alert-message.ts';

const NOW = new Date('2026-12-10T12:00:00Z');
const FORECAST = 'will pass its $200 monthly budget around Dec 22 at the current rate ($9.40/day over the last 7 days)';

describe('budget alerts', () => {
  const alert = alertMessage({ eventId: '0b7f5c7e-4d4c-4c8e-9a59-3f2f1c1d2e3f', instanceName: 'my-vps', kind: 'budget', summary: FORECAST, openedAt: NOW });

  it('is a warning titled "monthly budget", with Ack and Mute', () => {
    expect(alert).toMatchObject({ title: '🟠 my-vps: monthly budget', severity: 'warning' });
    expect(alert.actions.map((a) => a.id)).toEqual(['ack', 'mute-1h', 'mute-24h']);
  });

  it('renders on the console, Slack, Discord and Telegram', () => {
    expect(toTerminalMessage(alert)).toContain(`🟠 my-vps: monthly budget\n${FORECAST}`);
    expect(JSON.stringify(renderSlack(alert))).toContain('my-vps: monthly budget');
    expect(JSON.stringify(renderSlack(alert))).toContain('around Dec 22');
    expect(JSON.stringify(renderDiscord(alert, NOW))).toContain('my-vps: monthly budget');
    expect(JSON.stringify(renderDiscord(alert, NOW))).toContain('$9.40/day over the last 7 days');
    expect(renderTelegram(alert).parts.join('\n')).toContain('my-vps: monthly budget');
  });

  it('resolves with what changed', () => {
    const resolved = alertMessage({
      eventId: 'e1',
      instanceName: 'my-vps',
      kind: 'budget',
      summary: FORECAST,
      openedAt: NOW,
      resolved: { at: NOW, summary: 'the budget was raised to $300, above the forecast of $291.40 for the month' },
    });
    expect(toTerminalMessage(resolved)).toContain('✅ my-vps: monthly budget — resolved');
    expect(toTerminalMessage(resolved)).toContain('Resolved: the budget was raised to $300, above the forecast of $291.40 for the month');
  });
});
