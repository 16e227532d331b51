import { describe, expect, it } from 'vitest';
import { parseCommand, SUBCOMMANDS, withoutCommandWord } from './grammar.ts';

describe('the /deepclaw grammar', () => {
  it.each([
    ['', { name: 'help' }],
    ['help', { name: 'help' }],
    ['help rotate-token', { name: 'help', topic: 'rotate-token' }],
    ['status', { name: 'status' }],
    ['STATUS my-vps', { name: 'status', instance: 'my-vps' }],
    ['  status   my-vps  ', { name: 'status', instance: 'my-vps' }],
    ['instances', { name: 'instances' }],
    ['rotate-token my-vps', { name: 'rotate-token', instance: 'my-vps' }],
    ['rotate-token my-vps --grace 15m', { name: 'rotate-token', instance: 'my-vps', graceSeconds: 900 }],
    ['rotate-token --grace=1h30m my-vps', { name: 'rotate-token', instance: 'my-vps', graceSeconds: 5400 }],
    ['add my-vps', { name: 'add', instance: 'my-vps' }],
    ['add my-vps --interval 1m', { name: 'add', instance: 'my-vps', intervalSeconds: 60 }],
    ['revoke my-vps', { name: 'revoke', instance: 'my-vps' }],
    ['mute my-vps 1h', { name: 'mute', target: 'my-vps', durationSeconds: 3600 }],
    ['mute all 2d', { name: 'mute', target: 'all', durationSeconds: 172_800 }],
    ['unmute all', { name: 'unmute', target: 'all' }],
    ['ack 3f2a9c1e', { name: 'ack', event: '3f2a9c1e' }],
    ['ack 3F2A9C1E-0000-4000-8000-000000000000', { name: 'ack', event: '3f2a9c1e-0000-4000-8000-000000000000' }],
    ['subscribe', { name: 'subscribe', kinds: null }],
    ['subscribe stale cost-drift', { name: 'subscribe', kinds: ['stale', 'cost-drift'] }],
    ['subscribe budget', { name: 'subscribe', kinds: ['budget'] }],
    ['threshold set budget.monthly 200', { name: 'threshold', action: 'set', threshold: 'budget.monthly', value: '200' }],
    ['threshold set budget.monthly off --instance my-vps', { name: 'threshold', action: 'set', threshold: 'budget.monthly', value: 'off', instance: 'my-vps' }],
    ['threshold list --instance=my-vps', { name: 'threshold', action: 'list', instance: 'my-vps' }],
    ['subscribe stale,security stale', { name: 'subscribe', kinds: ['stale', 'security'] }],
    ['subscribe --mention @here', { name: 'subscribe', kinds: null, mention: '@here' }],
    ['subscribe stale --mention <!subteam^S0ONCALL|@oncall> --severity Warning', { name: 'subscribe', kinds: ['stale'], mention: '<!subteam^S0ONCALL|@oncall>', mentionSeverity: 'warning' }],
    ['subscribe --mention off', { name: 'subscribe', kinds: null, mention: 'off' }],
    ['digest daily 09:00', { name: 'digest', schedule: { cadence: 'daily', minuteOfDay: 540, skipQuiet: false } }],
    ['digest weekly Monday 7:30 --skip-quiet', { name: 'digest', schedule: { cadence: 'weekly', weekday: 1, minuteOfDay: 450, skipQuiet: true } }],
    ['digest --skip-quiet daily 23:59', { name: 'digest', schedule: { cadence: 'daily', minuteOfDay: 1439, skipQuiet: true } }],
    ['digest off', { name: 'digest', schedule: null }],
    ['unsubscribe', { name: 'unsubscribe' }],
    ['link ABCD-EFGH', { name: 'link', code: 'ABCD-EFGH' }],
    ['link abcd efgh', { name: 'link', code: 'abcdefgh' }],
    ['cost', { name: 'cost', days: 7 }],
    ['cost 30', { name: 'cost', days: 30 }],
    ['cost 30d', { name: 'cost', days: 30 }],
    ['cost my-vps', { name: 'cost', instance: 'my-vps', days: 7 }],
    ['cost my-vps 14', { name: 'cost', instance: 'my-vps', days: 14 }],
    ['/deepclaw status', { name: 'status' }],
    ['/deepclaw@deepclaw_bot status my-vps', { name: 'status', instance: 'my-vps' }],
  ])('reads "%s"', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['rotate-token', 'rotate-token', 'the instance name is missing.'],
    ['rotate-token a b', 'rotate-token', 'too many arguments: "b".'],
    ['rotate-token my-vps --grace', 'rotate-token', '--grace needs a value.'],
    ['rotate-token my-vps --grace soon', 'rotate-token', '--grace: "soon" is not a duration; use a number with a unit, like 30s, 5m, 1h30m or 2d.'],
    ['rotate-token my-vps --grace 30d', 'rotate-token', '--grace can be at most 7 days (got 30d).'],
    ['rotate-token my-vps --force yes', 'rotate-token', 'unknown option --force; this command takes --grace.'],
    ['rotate-token my-vps --grace 1m --grace 2m', 'rotate-token', '--grace is given twice.'],
    ['add', 'add', 'the new instance name is missing.'],
    ['add my-vps --interval 5', 'add', '--interval: "5" is not a duration; use a number with a unit, like 30s, 5m, 1h30m or 2d.'],
    ['mute', 'mute', 'the instance (or all) is missing.'],
    ['mute my-vps', 'mute', 'the duration (like 1h) is missing.'],
    ['mute my-vps forever', 'mute', 'the duration: "forever" is not a duration; use a number with a unit, like 30s, 5m, 1h30m or 2d.'],
    ['mute all 1000d', 'mute', 'the duration can be at most 90 days (got 1000d).'],
    ['unmute', 'unmute', 'the instance (or all) is missing.'],
    ['ack', 'ack', 'the event id is missing.'],
    ['ack <!channel>', 'ack', '"<!channel>" is not an event id; use the id shown with the alert or in /deepclaw status <instance> (at least its first 6 characters).'],
    ['threshold', 'threshold', 'set or list is missing.'],
    ['threshold show', 'threshold', '"show" is neither set nor list.'],
    ['threshold set budget.monthly', 'threshold', 'the value (like 200, or off) is missing.'],
    ['threshold set budget.monthly 200 --workspace x', 'threshold', 'unknown option --workspace; this command takes --instance.'],
    ['subscribe stael', 'subscribe', '"stael" is not an alert kind. Did you mean "stale"? Kinds: stale, gateway-down, cron-failed, cron-missed, cost-drift, error-spike, security, budget.'],
    ['unsubscribe now', 'unsubscribe', 'too many arguments: "now".'],
    ['subscribe --severity warning', 'subscribe', '--severity says which alerts carry the mention; give it with --mention.'],
    ['subscribe --mention @here --severity info', 'subscribe', '--severity is critical or warning (warning: warnings and criticals carry the mention), not "info".'],
    ['digest', 'digest', 'say when: daily 09:00, weekly mon 09:00, or off.'],
    ['digest daily 9am', 'digest', `"9am" is not a time of day; use 24-hour HH:MM, like 09:00 or 17:30 (the workspace's time zone).`],
    ['digest daily 24:00', 'digest', `"24:00" is not a time of day; use 24-hour HH:MM, like 09:00 or 17:30 (the workspace's time zone).`],
    ['digest weekly 09:00', 'digest', 'a weekly digest needs its day and time, like: digest weekly mon 09:00'],
    ['digest weekly someday 09:00', 'digest', '"someday" is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.'],
    ['digest hourly 09:00', 'digest', '"hourly" is not daily, weekly or off.'],
    ['digest off --skip-quiet', 'digest', 'digest off takes nothing more.'],
    ['link', 'link', 'the link code is missing.'],
    ['link 1234', 'link', 'a link code is 8 letters and digits, like ABCD-EFGH; an admin prints one with: deepclaw link-code'],
    ['cost my-vps soon', 'cost', '"soon" is not a number of days (like 7 or 30d).'],
    ['cost 0', 'cost', 'days must be from 1 to 90 (got 0).'],
    ['cost 365', 'cost', 'days must be from 1 to 90 (got 365).'],
    ['status a b', 'status', 'too many arguments: "b".'],
    ['status --all yes', 'status', 'this command takes no --all option.'],
    ['help frobnicate', 'help', '"frobnicate" is not a DeepClaw command.'],
  ])('answers "%s" with the usage of %s', (text, subcommand, message) => {
    expect(parseCommand(text)).toEqual({
      ok: false,
      problem: expect.objectContaining({ code: 'bad_arguments', subcommand, message, usage: SUBCOMMANDS[subcommand as keyof typeof SUBCOMMANDS].usage }),
    });
  });

  it.each([
    ['stauts', ['status']],
    ['rotate', ['rotate-token']],
    ['unmte', ['unmute']],
    ['frobnicate', []],
  ])('suggests close subcommands for "%s"', (text, suggestions) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.code).toBe('unknown_subcommand');
    expect(result.problem.suggestions).toEqual(suggestions);
  });

  it('never echoes more than a short piece of what was typed', () => {
    const result = parseCommand(`x${'a'.repeat(5000)}`);
    expect(!result.ok && result.problem.message.length).toBeLessThan(120);
  });

  it('leaves other text alone when removing the command word', () => {
    expect(withoutCommandWord('/deepclawstatus')).toBe('/deepclawstatus');
    expect(withoutCommandWord('/DeepClaw help')).toBe('help');
  });
});
