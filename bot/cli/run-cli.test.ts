import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { runCommand } from '../commands/command-core.ts';
import { applyDecisions } from '../events/event-store.ts';
import { repliesToTerminalText } from '../../adapters/console/terminal-message.ts';

describeStorage('admin CLI', (db) => {
  const run = (argv: string[], stdin?: string) => cli(argv, { env: { DATABASE_URL: db().url }, stdin });

  it('adds an instance and prints its token once, readable by people', async () => {
    const result = await run(['instance', 'add', 'web-1', '--interval', '2m']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Added instance "web-1" to workspace "default" (expects a sync every 2m).');
    expect(result.stdout).toMatch(/^ {2}dcs_[0-9A-Za-z]{49}$/m);
  });

  it('adds an instance with --json: an object with the instance and its token', async () => {
    const result = await run(['instance', 'add', 'web-2', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toEqual({
      instance: { name: 'web-2', workspace: 'default', intervalSeconds: 300 },
      token: expect.stringMatching(/^dcs_[0-9A-Za-z]{49}$/),
    });
  });

  it('refuses a duplicate name and keeps the first instance and its token', async () => {
    const first = (await run(['instance', 'add', 'dup-1', '--json'])).json();
    const second = await run(['instance', 'add', 'dup-1']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toBe('deepclaw: an instance named "dup-1" already exists in workspace "default"\n');
    expect((await run(['token', 'check'], first.token)).exitCode).toBe(0);
  });

  it('refuses an invalid instance name and an out-of-range interval', async () => {
    const badName = await run(['instance', 'add', 'My VPS']);
    expect(badName.exitCode).toBe(1);
    expect(badName.stderr).toContain('"My VPS" is not a valid instance name');
    const tooFast = await run(['instance', 'add', 'fast', '--interval', '1s']);
    expect(tooFast.exitCode).toBe(1);
    expect(tooFast.stderr).toContain('the sync interval must be between 10s and 1d');
    expect((await run(['instance', 'list', '--json'])).json().instances.map((i: { name: string }) => i.name)).not.toContain('fast');
  });

  it('lists instances with interval, state and working token ids', async () => {
    const added = (await run(['instance', 'add', 'list-me', '--json'])).json();
    const human = await run(['instance', 'list']);
    expect(human.stdout).toMatch(new RegExp(`^list-me\\s+5m\\s+active\\s+${added.token.slice(0, 10)}\\s`, 'm'));
    const listed = (await run(['instance', 'list', '--json'])).json();
    expect(listed.instances).toContainEqual(expect.objectContaining({ name: 'list-me', intervalSeconds: 300, paused: false, activeTokens: [added.token.slice(0, 10)] }));
  });

  it('pauses and resumes, saying when nothing changed', async () => {
    await run(['instance', 'add', 'pausy']);
    expect((await run(['instance', 'pause', 'pausy'])).stdout).toContain('Paused "pausy"');
    expect((await run(['instance', 'pause', 'pausy'])).stdout).toBe('"pausy" was already paused.\n');
    expect((await run(['instance', 'list', '--json'])).json().instances).toContainEqual(expect.objectContaining({ name: 'pausy', paused: true }));
    expect((await run(['instance', 'resume', 'pausy', '--json'])).json()).toEqual({ instance: 'pausy', state: 'active', changed: true });
  });

  it('removes an instance with --yes, after which its token no longer checks out', async () => {
    const { token } = (await run(['instance', 'add', 'doomed', '--json'])).json();
    expect((await run(['instance', 'remove', 'doomed', '--yes'])).stdout).toBe('Removed instance "doomed" and revoked its tokens.\n');
    const check = await run(['token', 'check'], token);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toBe('Not valid: no instance has this token.\n');
  });

  it('asks before removing on a terminal, and removes only on y', async () => {
    const atTerminal = (argv: string[], answers: string[]) => cli(argv, { env: { DATABASE_URL: db().url }, terminal: true, answers });
    await run(['instance', 'add', 'my-vps']);
    const kept = await atTerminal(['instance', 'remove', 'my-vps'], ['']);
    expect(kept).toMatchObject({ exitCode: 1, stdout: '', asked: ['Remove my-vps and its tokens, snapshots and events? [y/N] '] });
    expect(kept.stderr).toBe('Remove my-vps and its tokens, snapshots and events? [y/N] Nothing was removed.\n');
    expect((await atTerminal(['instance', 'remove', 'my-vps'], ['no'])).exitCode).toBe(1);
    expect((await run(['instance', 'list', '--json'])).json().instances.map((i: { name: string }) => i.name)).toContain('my-vps');

    const removed = await atTerminal(['instance', 'remove', 'my-vps'], ['y']);
    expect(removed).toMatchObject({ exitCode: 0, stdout: 'Removed instance "my-vps" and revoked its tokens.\n' });
    expect((await run(['instance', 'list', '--json'])).json().instances.map((i: { name: string }) => i.name)).not.toContain('my-vps');
  });

  it('asks nothing about an instance that does not exist, and nothing with --yes', async () => {
    await run(['instance', 'add', 'my-box']);
    const typo = await cli(['instance', 'remove', 'my-bx'], { env: { DATABASE_URL: db().url }, terminal: true, answers: ['y'] });
    expect(typo).toMatchObject({ exitCode: 1, asked: [], stderr: 'deepclaw: there is no instance named "my-bx" in workspace "default". Did you mean "my-box"?\n' });
    const confirmed = await cli(['instance', 'remove', 'my-box', '--yes', '--json'], { env: { DATABASE_URL: db().url }, terminal: true });
    expect(confirmed).toMatchObject({ exitCode: 0, asked: [] });
    expect(confirmed.json()).toEqual({ removed: 'my-box' });
  });

  it('refuses to remove off a terminal without --yes, and removes nothing', async () => {
    await run(['instance', 'add', 'scripted']);
    const refused = await run(['instance', 'remove', 'scripted']);
    expect(refused).toMatchObject({ exitCode: 2, stdout: '', asked: [] });
    expect(refused.stderr).toBe('deepclaw: "instance remove" deletes data and asks first; off a terminal, confirm with --yes\n');
    expect((await run(['instance', 'list', '--json'])).json().instances.map((i: { name: string }) => i.name)).toContain('scripted');
  });

  it('rotates a token: the printed one checks out, the old one no longer does', async () => {
    const { token: old } = (await run(['instance', 'add', 'rot-1', '--json'])).json();
    const rotated = await run(['token', 'rotate', 'rot-1']);
    expect(rotated.exitCode).toBe(0);
    expect(rotated.stdout).toContain(`The previous token (${old.slice(0, 10)}) no longer works.`);
    const fresh = /^ {2}(dcs_\w+)$/m.exec(rotated.stdout)![1]!;
    expect((await run(['token', 'check'], fresh)).stdout).toBe('Valid: writes snapshots for instance "rot-1" in workspace "default".\n');
    expect((await run(['token', 'check', '--json'], old)).json()).toEqual({ valid: false, reason: 'revoked' });
  });

  it('rotates with --grace: the old token keeps working and the output says until when', async () => {
    const { token: old } = (await run(['instance', 'add', 'rot-2', '--json'])).json();
    const rotated = (await run(['token', 'rotate', 'rot-2', '--grace', '15m', '--json'])).json();
    expect(rotated.retired).toEqual([{ visibleId: old.slice(0, 10), worksUntil: expect.any(String) }]);
    const graceMinutes = (Date.parse(rotated.retired[0].worksUntil) - Date.now()) / 60_000;
    expect(graceMinutes).toBeGreaterThan(14);
    expect(graceMinutes).toBeLessThanOrEqual(15);
    expect((await run(['token', 'check'], old)).exitCode).toBe(0);
    expect((await run(['token', 'check'], rotated.token)).exitCode).toBe(0);
  });

  it('revokes every working token of an instance', async () => {
    const { token } = (await run(['instance', 'add', 'rev-1', '--json'])).json();
    const revoked = await run(['token', 'revoke', 'rev-1']);
    expect(revoked.stdout).toBe(`Revoked ${token.slice(0, 10)}: "rev-1" can no longer sync until you run: deepclaw token rotate rev-1\n`);
    expect((await run(['token', 'check', '--json'], token)).json()).toEqual({ valid: false, reason: 'revoked' });
    const again = await run(['token', 'revoke', 'rev-1']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('has no working token to revoke');
  });

  it('says an unknown instance is unknown and suggests close names, for every command that takes one', async () => {
    await run(['instance', 'add', 'prod-eu']);
    for (const argv of [['token', 'rotate', 'prod-ue'], ['token', 'revoke', 'prod-ue'], ['instance', 'pause', 'prod-ue'], ['instance', 'remove', 'prod-ue', '--yes']]) {
      const result = await run(argv);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe('deepclaw: there is no instance named "prod-ue" in workspace "default". Did you mean "prod-eu"?\n');
    }
    const asJson = await run(['token', 'rotate', 'prod-ue', '--json']);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ error: 'unknown_instance', suggestions: ['prod-eu'] });
  });

  it('tells a mistyped token from a malformed one', async () => {
    const { token } = (await run(['instance', 'add', 'typo', '--json'])).json();
    const typo = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
    expect((await run(['token', 'check'], typo)).stdout).toContain('mistyped or truncated');
    expect((await run(['token', 'check'], 'hello')).stdout).toContain('this is not a DeepClaw sync token');
  });

  it('creates and lists workspaces, and refuses a duplicate', async () => {
    expect((await run(['workspace', 'create', 'team-b'])).stdout).toContain('Created workspace "team-b"');
    const duplicate = await run(['workspace', 'create', 'team-b']);
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderr).toBe('deepclaw: a workspace named "team-b" already exists\n');
    await run(['instance', 'add', 'b-1', '--workspace', 'team-b']);
    const { workspaces } = (await run(['workspace', 'list', '--json'])).json();
    expect(workspaces).toContainEqual(expect.objectContaining({ name: 'team-b', instanceCount: 1 }));
    expect(workspaces).toContainEqual(expect.objectContaining({ name: 'default' }));
    expect((await run(['workspace', 'list'])).stdout).toMatch(/^team-b\s+1\s/m);
  });

  it('sets a workspace\'s time zone, refuses an unknown zone or setting, and audits the change', async () => {
    expect((await run(['workspace', 'set', 'timezone', 'europe/berlin'])).stdout).toBe('Workspace "default" keeps time in Europe/Berlin: its months (budgets) and digests follow that clock.\n');
    const typo = await run(['workspace', 'set', 'timezone', 'Europe/Berln']);
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(/^deepclaw: "Europe\/Berln" is not a time zone\. Did you mean "Europe\/Berlin"/);
    const unknown = await run(['workspace', 'set', 'colour', 'blue']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/"colour" is not a workspace setting/);
    expect((await run(['audit', '--json'])).json().entries).toContainEqual(expect.objectContaining({ action: 'setting.changed', subject: 'timezone' }));
  });

  it('keeps instance names per workspace and suggests workspaces too', async () => {
    await run(['workspace', 'create', 'team-c']);
    expect((await run(['instance', 'add', 'shared-name'])).exitCode).toBe(0);
    expect((await run(['instance', 'add', 'shared-name', '--workspace', 'team-c'])).exitCode).toBe(0);
    const unknown = await run(['instance', 'list', '--workspace', 'team-cc']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^deepclaw: there is no workspace named "team-cc"\. Did you mean .*"team-c"/);
  });

  it('prints a one-time link code valid for 15 minutes', async () => {
    const human = await run(['link-code']);
    expect(human.stdout).toMatch(/^Link code for workspace "default": [0-9A-Z]{4}-[0-9A-Z]{4}$/m);
    expect(human.stdout).toMatch(/\/deepclaw link [0-9A-Z]{4}-[0-9A-Z]{4}/);
    const { code, expiresAt, workspace } = (await run(['link-code', '--json'])).json();
    expect(workspace).toBe('default');
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect((Date.parse(expiresAt) - Date.now()) / 60_000).toBeCloseTo(15, 0);
  });

  it('shows the audit log newest first, with actor and origin, limited by --limit', async () => {
    await cli(['instance', 'add', 'audited'], { env: { DATABASE_URL: db().url }, user: 'carol' });
    const { entries } = (await run(['audit', '--limit', '2', '--json'])).json();
    expect(entries).toHaveLength(2);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['token.issued', 'instance.added']);
    expect(entries[0]).toMatchObject({ subject: 'audited', actor: 'cli:carol', origin: 'cli', workspace: 'default' });
    expect((await run(['audit'])).stdout).toMatch(/^AT\s+WORKSPACE\s+ACTION\s+SUBJECT\s+ACTOR\s+FROM$/m);
  });

  it('mutes and unmutes an instance or the whole workspace, and refuses a bad duration', async () => {
    await run(['instance', 'add', 'noisy']);
    expect((await run(['mute', 'noisy', '1h'])).stdout).toMatch(/^Muted "noisy" until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect((await run(['mute', 'all', '30m'])).stdout).toContain('Muted every instance of workspace "default"');
    expect((await run(['unmute', 'noisy', '--json'])).json()).toEqual({ target: 'noisy', mutedUntil: null });
    const bad = await run(['mute', 'noisy', 'soon']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('"soon" is not a duration');
    const unknown = await run(['mute', 'nosy', '1h']);
    expect(unknown.stderr).toContain('Did you mean "noisy"?');
  });

  describe('status, events and ack: the chat commands at the terminal', () => {
    const sql = <T,>(text: string, params: unknown[] = []) => db().database.orm.em.fork().getConnection().execute<T[]>(text, params);
    async function openEvent(workspace: string, instance: string, kind: 'stale' | 'cron-failed', summary: string): Promise<string> {
      const [row] = await sql<{ id: string }>(`select i.id from instance i join workspace w on w.id = i.workspace_id where w.name = ? and i.name = ?`, [workspace, instance]);
      const [opened] = await applyDecisions(db().database.orm.em.fork(), row!.id, kind, [{ action: 'open', key: kind === 'stale' ? 'agent' : summary, summary, details: {} }], new Date());
      return opened!.eventId;
    }
    /** What `/deepclaw <text>` answers in a chat linked to `workspace`, as the console prints it. */
    async function chatAnswer(workspace: string, text: string): Promise<string> {
      const deps = { orm: db().database.orm, chatAdmins: new Set<string>(), publicUrl: 'http://127.0.0.1:3000', agentSha256: async () => undefined, clock: () => new Date() };
      const requester = { platform: 'console', userId: 'alice', displayName: 'alice', isPlatformAdmin: true };
      const replies = await runCommand(deps, { text, requester, place: { chatId: 'console', channelId: 'stdout' } }, { workspaceName: workspace });
      return `${repliesToTerminalText(replies)}\n`;
    }

    it('answers status for the fleet and for one instance as the chat does, and --json with the figures', async () => {
      await run(['workspace', 'create', 'fleet-st']);
      await run(['instance', 'add', 'st-web', '--workspace', 'fleet-st']);
      await run(['instance', 'add', 'st-db', '--workspace', 'fleet-st']);
      await run(['instance', 'pause', 'st-db', '--workspace', 'fleet-st']);
      const fleet = await run(['status', '--workspace', 'fleet-st']);
      expect(fleet.exitCode).toBe(0);
      expect(fleet.stdout).toContain('Workspace "fleet-st"\nInstances: 1 paused, 1 never synced\nOpen events: 0\n');
      expect(fleet.stdout).toContain('  ⚪ st-web: never synced, no snapshot yet\n');
      expect(fleet.stdout).toBe(await chatAnswer('fleet-st', 'status'));

      const one = await run(['status', 'st-web', '--workspace', 'fleet-st']);
      expect(one.stdout).toMatch(/^⚪ st-web: never synced\nLast sync: never \(expected every 5m\)\n/);
      expect(one.stdout).toBe(await chatAnswer('fleet-st', 'status st-web'));

      expect((await run(['status', '--workspace', 'fleet-st', '--json'])).json()).toMatchObject({
        workspace: 'fleet-st',
        openEvents: 0,
        instances: [
          { name: 'st-db', state: 'paused', openEvents: 0 },
          { name: 'st-web', state: 'never-synced', openEvents: 0 },
        ],
      });
      expect((await run(['status', 'st-db', '--workspace', 'fleet-st', '--json'])).json()).toMatchObject({ name: 'st-db', paused: true, intervalSeconds: 300, openEvents: [] });
      const typo = await run(['status', 'st-webb', '--workspace', 'fleet-st']);
      expect(typo).toMatchObject({ exitCode: 1, stderr: 'deepclaw: there is no instance named "st-webb" in workspace "fleet-st". Did you mean "st-web"?\n' });
      expect((await run(['status', 'a', 'b'])).stderr).toContain('deepclaw: "status" takes at most [instance] (got "a b")');
    });

    it('lists events newest first, only unresolved ones with --open, agent text made safe', async () => {
      await run(['workspace', 'create', 'fleet-ev']);
      await run(['instance', 'add', 'ev-web', '--workspace', 'fleet-ev']);
      expect((await run(['events', '--workspace', 'fleet-ev'])).stdout).toBe('No events for workspace "fleet-ev".\n');
      const stale = await openEvent('fleet-ev', 'ev-web', 'stale', 'last sync 17 min ago, expected every 5 min');
      const cron = await openEvent('fleet-ev', 'ev-web', 'cron-failed', 'nightly\u001b[2J failed 3 times');
      await sql(`update event set state = 'resolved', resolved_at = now() where id = ?`, [stale]);

      const all = await run(['events', '--workspace', 'fleet-ev']);
      expect(all.exitCode).toBe(0);
      const lines = all.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^EVENT\s+INSTANCE\s+KIND\s+STATE\s+OPENED\s+SUMMARY$/);
      expect(lines[1]).toMatch(new RegExp(`^${cron.slice(0, 8)}\\s+ev-web\\s+cron-failed\\s+open\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+nightly\\\\x1b\\[2J failed 3 times$`));
      expect(lines[2]).toMatch(new RegExp(`^${stale.slice(0, 8)}\\s+ev-web\\s+stale\\s+resolved\\s`));
      expect(all.stdout).not.toContain('\u001b');

      const open = (await run(['events', '--open', '--workspace', 'fleet-ev', '--json'])).json();
      expect(open).toEqual({
        workspace: 'fleet-ev',
        instance: null,
        events: [expect.objectContaining({ id: cron, instance: 'ev-web', kind: 'cron-failed', state: 'open', summary: 'nightly\u001b[2J failed 3 times', resolvedAt: null })],
      });
      expect((await run(['events', '--open', '--instance', 'ev-web', '--workspace', 'fleet-ev'])).stdout.trimEnd().split('\n')).toHaveLength(2);
      expect((await run(['events', '--limit', '1', '--workspace', 'fleet-ev', '--json'])).json().events).toHaveLength(1);
    });

    it('acks an open event by the start of its id as the chat does, audited as the CLI user', async () => {
      await run(['workspace', 'create', 'fleet-ack']);
      await run(['instance', 'add', 'ack-web', '--workspace', 'fleet-ack']);
      const id = await openEvent('fleet-ack', 'ack-web', 'stale', 'last sync 17 min ago');
      const acked = await cli(['ack', id.slice(0, 8), '--workspace', 'fleet-ack'], { env: { DATABASE_URL: db().url }, user: 'carol' });
      expect(acked).toMatchObject({ exitCode: 0, stdout: '👀 carol acknowledged ack-web: stale\nReminders for it stop; it still resolves on its own.\n' });
      const again = await run(['ack', id.slice(0, 8), '--workspace', 'fleet-ack']);
      expect(again).toMatchObject({ exitCode: 0, stdout: 'Nothing to acknowledge\nack-web: stale — it was already acknowledged by cli:carol.\n' });
      expect(again.stdout).toBe(await chatAnswer('fleet-ack', `ack ${id.slice(0, 8)}`));
      expect((await run(['ack', id, '--workspace', 'fleet-ack', '--json'])).json()).toEqual({ event: id, instance: 'ack-web', kind: 'stale', state: 'acked', ackedBy: 'cli:carol', changed: false });
      const [audit] = (await run(['audit', '--limit', '50', '--workspace', 'fleet-ack', '--json'])).json().entries.filter((e: { action: string }) => e.action === 'event.acked');
      expect(audit).toMatchObject({ actor: 'cli:carol', origin: 'cli', subject: 'ack-web', details: { eventId: id, kind: 'stale' } });
      expect((await run(['events', '--open', '--workspace', 'fleet-ack'])).stdout).toMatch(/ack-web\s+stale\s+acked by cli:carol\s/);

      const fresh = await openEvent('fleet-ack', 'ack-web', 'cron-failed', 'backup failed');
      expect((await run(['ack', fresh, '--workspace', 'fleet-ack', '--json'])).json()).toMatchObject({ event: fresh, state: 'acked', ackedBy: 'cli:alice', changed: true });
    });

    it('refuses an event id that is not one, or not open in the workspace', async () => {
      const bad = await run(['ack', 'zz']);
      expect(bad.exitCode).toBe(1);
      expect(bad.stderr).toBe('deepclaw: "zz" is not an event id; use the id shown with the alert or in /deepclaw status <instance> (at least its first 6 characters).\n');
      const unknown = await run(['ack', 'abcdef12']);
      expect(unknown.exitCode).toBe(1);
      expect(unknown.stderr).toContain('no open event of workspace "default" has an id starting with "abcdef12"');
      expect(JSON.parse((await run(['ack', 'abcdef12', '--json'])).stderr)).toMatchObject({ error: 'unknown_event' });
    });
  });

  it('reports the schema current on migrate', async () => {
    expect((await run(['migrate'])).stdout).toBe('The schema is current.\n');
  });

  it.each([
    [[], 0, 'Usage: deepclaw <command>'],
    [['help'], 0, 'Usage: deepclaw <command>'],
    [['frobnicate'], 2, 'deepclaw: unknown command "frobnicate"'],
    [['instance', 'add'], 2, 'deepclaw: "instance add" needs <name>'],
    [['instance', 'add', 'a', 'b'], 2, 'deepclaw: "instance add" needs <name>'],
    [['instance', 'list', 'extra'], 2, 'deepclaw: "instance list" takes no arguments (got "extra")'],
    [['instance', 'add', 'x', '--grace', '5m'], 2, 'deepclaw: --grace does not apply to "instance add"'],
    [['instance', 'add', 'x', '--interval', 'soon'], 2, 'deepclaw: --interval: "soon" is not a duration'],
    [['token', 'rotate', 'x', '--grace', '0s'], 2, 'deepclaw: --grace: "0s" is not a duration'],
    [['instance', 'pause', 'x', '--yes'], 2, 'deepclaw: --yes does not apply to "instance pause"'],
    [['audit', '--limit', 'many'], 2, 'deepclaw: --limit must be a whole number from 1 to 1000 (got "many")'],
    [['instance', 'list', '--colour'], 2, "deepclaw: Unknown option '--colour'"],
  ])('answers %j with exit %i and "%s"', async (argv, exitCode, text) => {
    const result = await run(argv as string[]);
    expect(result.exitCode).toBe(exitCode);
    const output = exitCode === 0 ? result.stdout : result.stderr;
    expect(output).toContain(text);
    if (exitCode === 2) expect(result.stderr).toContain('Usage: deepclaw <command>');
  });

  it.each([
    [['instance', 'lst'], 'deepclaw: unknown command "instance lst". Did you mean "instance list"?\n'],
    [['instanse', 'list'], 'deepclaw: unknown command "instanse list". Did you mean "instance list"?\n'],
    [['mgirate'], 'deepclaw: unknown command "mgirate". Did you mean "migrate"?\n'],
    [['stauts'], 'deepclaw: unknown command "stauts". Did you mean "status"?\n'],
    [['threshold', 'sett', 'a', 'b'], 'deepclaw: unknown command "threshold sett". Did you mean "threshold set"?\n'],
    [['instance'], 'deepclaw: "instance" needs one of: add, list, remove, pause, resume\n'],
  ])('suggests the close command for %j instead of printing the whole usage, with exit 2', async (argv, stderr) => {
    const result = await run(argv);
    expect(result).toMatchObject({ exitCode: 2, stdout: '', stderr });
  });

  it('writes nothing when the usage is wrong', async () => {
    const before = (await run(['audit', '--limit', '1000', '--json'])).json().entries.length;
    await run(['instance', 'add', 'never', '--grace', '5m']);
    await run(['instance', 'add', 'never', '--interval', 'x']);
    expect((await run(['audit', '--limit', '1000', '--json'])).json().entries.length).toBe(before);
  });

  it('lists a workspace\'s channels with kinds, mention, digest, mute and why one was disabled, and enables it again, audited', async () => {
    await run(['workspace', 'create', 'subs']);
    const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
    const subscribe = (channel: string, extra: string, params: unknown[] = []) =>
      sql(
        `insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by, kinds, muted_until, disabled_at, last_error)
         select gen_random_uuid(), id, 'slack', ?, now(), 'slack:U0B0B', ${extra} from workspace where name = 'subs'`,
        [channel, ...params],
      );
    await subscribe('C0OPS', `null, null, null, null`);
    await subscribe('C0COST', `'["cost-drift"]'::jsonb, '2099-01-01T00:00:00Z', null, null`);
    await subscribe('C0GONE', `null, null, '2026-11-21T12:00:00Z', 'channel_not_found'`);
    await sql(`update subscription set mention = 'group:S0ONCALL', mention_severity = 'warning', digest_cadence = 'daily', digest_minute = 540 where channel_id = 'C0OPS'`);

    const human = await run(['subscription', 'list', '--workspace', 'subs']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^CHANNEL\s+PLATFORM\s+KINDS\s+MENTION\s+DIGEST\s+MUTED UNTIL\s+STATE$/);
    expect(human.stdout).toMatch(/^C0COST\s+slack\s+cost-drift\s+-\s+-\s+2099-01-01 00:00 UTC\s+receiving$/m);
    expect(human.stdout).toMatch(/^C0GONE\s+slack\s+all\s+-\s+-\s+-\s+disabled since 2026-11-21 12:00 UTC: channel_not_found$/m);
    expect(human.stdout).toMatch(/^C0OPS\s+slack\s+all\s+user group S0ONCALL \(warning\+\)\s+daily 09:00\s+-\s+receiving$/m);
    const listed = (await run(['subscription', 'list', '--workspace', 'subs', '--json'])).json();
    expect(listed.subscriptions).toContainEqual(
      expect.objectContaining({ platform: 'slack', channelId: 'C0GONE', kinds: null, disabled: { since: '2026-11-21T12:00:00.000Z', reason: 'channel_not_found' } }),
    );

    const enabled = await run(['subscription', 'enable', 'slack:C0GONE', '--workspace', 'subs']);
    expect(enabled).toMatchObject({ exitCode: 0, stdout: 'slack:C0GONE receives alerts again (it was disabled since 2026-11-21 12:00 UTC: channel_not_found).\n' });
    expect((await run(['subscription', 'list', '--workspace', 'subs', '--json'])).json().subscriptions).toContainEqual(
      expect.objectContaining({ channelId: 'C0GONE', disabled: null }),
    );
    expect((await run(['subscription', 'enable', 'slack:C0GONE', '--workspace', 'subs'])).stdout).toBe('slack:C0GONE was not disabled; nothing changed.\n');
    const audit = (await run(['audit', '--json'])).json().entries;
    expect(audit.filter((e: { action: string }) => e.action === 'channel.enabled')).toEqual([
      expect.objectContaining({ workspace: 'subs', subject: 'slack:C0GONE', actor: expect.stringMatching(/^cli:/) }),
    ]);

    const unknown = await run(['subscription', 'enable', 'slack:C0NOPE', '--workspace', 'subs']);
    expect(unknown).toMatchObject({ exitCode: 1, stderr: 'deepclaw: slack:C0NOPE is not subscribed in workspace "subs"; deepclaw subscription list shows its channels\n' });
    expect((await run(['subscription', 'enable', 'C0GONE', '--workspace', 'subs'])).stderr).toContain('write <platform>:<channel>');
  });
});

it('exits 2 naming each bad variable when the configuration is invalid', async () => {
  const result = await cli(['instance', 'list'], { env: { PORT: 'abc', LOG_LEVEL: 'loud' } });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toBe(
    'deepclaw: PORT: expected a whole number from 0 to 65535 (got "abc")\n' +
      'deepclaw: LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")\n',
  );
});

it('exits 3 with a clear line when the database cannot be reached', async () => {
  const result = await cli(['instance', 'list'], { env: { DATABASE_URL: 'postgres://deepclaw:secret-pw@127.0.0.1:1/none' } });
  expect(result.exitCode).toBe(3);
  expect(result.stderr).toMatch(/^deepclaw: cannot reach Postgres at postgres:\/\/deepclaw@127\.0\.0\.1:1\/none: .+\n$/);
  expect(result.stderr).not.toContain('secret-pw');
});

it.each([['--version'], ['-v'], ['instance', 'list', '--version']])('prints the version from package.json for %j, without reading the configuration or opening a database', async (...argv) => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  // An invalid configuration and an unreachable database would fail any command that opened one.
  const result = await cli(argv, { env: { PORT: 'abc', DATABASE_URL: 'postgres://deepclaw@127.0.0.1:1/none' } });
  expect(result).toMatchObject({ exitCode: 0, stdout: `deepclaw ${version}\n`, stderr: '' });
  expect((await cli(['--version', '--json'], { env: {} })).json()).toEqual({ version });
});
