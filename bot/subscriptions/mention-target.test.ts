import { describe, expect, it } from 'vitest';
import { alertMessage } from '../messages/alert-message.ts';
import { withMention } from '../notifications/mentions.ts';
import { fromStoredMention, parseMentionTarget, toStoredMention } from './mention-target.ts';

describe('mention targets', () => {
  it('takes @here, @channel and a user group, as typed or as Slack escapes them', () => {
    expect(parseMentionTarget('slack', '@here')).toEqual({ kind: 'here' });
    expect(parseMentionTarget('slack', '<!here>')).toEqual({ kind: 'here' });
    expect(parseMentionTarget('slack', '<!channel|@channel>')).toEqual({ kind: 'channel' });
    expect(parseMentionTarget('slack', '<!subteam^S0ONCALL|@oncall>')).toEqual({ kind: 'group', id: 'S0ONCALL' });
    expect(parseMentionTarget('slack', 'S0ONCALL')).toEqual({ kind: 'group', id: 'S0ONCALL' });
  });

  it('refuses what Slack cannot page with, saying what to type instead', () => {
    expect(() => parseMentionTarget('slack', '@everyone')).toThrow('Slack allows @everyone only in #general; use @channel (everyone in this channel) or @here (those active now).');
    expect(() => parseMentionTarget('slack', '@oncall')).toThrow(`"@oncall" is a handle, and DeepClaw needs the user group's id`);
    expect(() => parseMentionTarget('slack', '<@U0BOB>')).toThrow('"<@U0BOB>" is not a Slack mention; use @here, @channel, or a user group\'s id like S0123ABC.');
  });

  it('takes a Discord role, by mention or id, and refuses @everyone, @here and members', () => {
    expect(parseMentionTarget('discord', '<@&900000000000000077>')).toEqual({ kind: 'group', id: '900000000000000077' });
    expect(parseMentionTarget('discord', '900000000000000077')).toEqual({ kind: 'group', id: '900000000000000077' });
    expect(() => parseMentionTarget('discord', '@here')).toThrow('DeepClaw does not ping @here on Discord; make a role for the people on call and mention it (like @on-call).');
    expect(() => parseMentionTarget('discord', 'oncall')).toThrow('"oncall" is not a Discord role');
  });

  it('refuses every mention on Telegram with the reason', () => {
    expect(() => parseMentionTarget('telegram', '@here')).toThrow('Telegram has no mention a bot can use to page people');
  });

  it('stores and reads back the neutral form', () => {
    for (const mention of [{ kind: 'here' as const }, { kind: 'channel' as const }, { kind: 'group' as const, id: 'S0ONCALL' }]) expect(fromStoredMention(toStoredMention(mention))).toEqual(mention);
    expect(fromStoredMention(null)).toBeUndefined();
  });
});

describe('withMention', () => {
  const facts = { eventId: 'e', instanceName: 'vps', summary: 's', openedAt: new Date(0) };
  it('mentions on alerts at least as severe as the channel asked for, and nowhere else', () => {
    const critical = alertMessage({ ...facts, kind: 'stale' });
    const warning = alertMessage({ ...facts, kind: 'cron-failed' });
    expect(withMention(critical, { mention: 'here', mention_severity: 'critical' }).mention).toEqual({ kind: 'here' });
    expect(withMention(warning, { mention: 'here', mention_severity: 'critical' }).mention).toBeUndefined();
    expect(withMention(warning, { mention: 'here', mention_severity: 'warning' }).mention).toEqual({ kind: 'here' });
    expect(withMention(critical, { mention: null, mention_severity: 'critical' }).mention).toBeUndefined();
  });
});
