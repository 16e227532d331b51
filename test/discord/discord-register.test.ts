/**
 * `deepclaw discord register` through the real REST client against the fake Discord: the command
 * Discord stores, idempotence, a guild's commands, and the mistakes an operator can make.
 */
import nock from 'nock';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../bot/commands/grammar.ts';
import { cli } from '../support/cli.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';

const APPLICATION_ID = '1100000000000000042';
const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDA0Mg.Gabcde.test-bot-token-not-real';
const GUILD = '700000000000000777';

describe('deepclaw discord register', () => {
  let discord: FakeDiscord;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: APPLICATION_ID });
    env = { DISCORD_BOT_TOKEN: BOT_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_TRANSPORT: 'gateway', DISCORD_API_URL: discord.apiUrl };
  });

  afterAll(async () => {
    await discord?.close();
    nock.enableNetConnect();
  });

  it('bulk-overwrites /deepclaw with a subcommand per command, typed options and autocomplete for instances', async () => {
    const first = await cli(['discord', 'register'], { env });
    expect(first).toMatchObject({ exitCode: 0, stderr: '' });
    expect(first.stdout).toBe(
      '/deepclaw registered everywhere the bot is (Discord may take a few minutes to show it)\n' +
        `Invite the bot to a server with: https://discord.com/oauth2/authorize?client_id=${APPLICATION_ID}&scope=bot%20applications.commands&permissions=84992\n`,
    );
    const [put] = discord.callsTo('PUT /applications/:id/commands');
    expect(put!.path).toBe(`/applications/${APPLICATION_ID}/commands`);
    expect(put!.authorization).toBe(`Bot ${BOT_TOKEN}`);
    const [deepclaw] = put!.body;
    expect(deepclaw).toMatchObject({ name: 'deepclaw', type: 1, contexts: [0, 1], integration_types: [0] });
    expect(deepclaw.options.map((o: any) => o.name)).toEqual(Object.keys(SUBCOMMANDS));
    const option = (subcommand: string, name: string) => deepclaw.options.find((o: any) => o.name === subcommand).options.find((o: any) => o.name === name);
    expect(option('rotate-token', 'instance')).toMatchObject({ type: ApplicationCommandOptionType.String, required: true, autocomplete: true });
    expect(option('rotate-token', 'grace')).toMatchObject({ type: ApplicationCommandOptionType.String, required: false });
    expect(option('mute', 'target')).toMatchObject({ autocomplete: true, required: true });
    expect(option('cost', 'days')).toMatchObject({ type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 90 });
    expect(option('help', 'subcommand').choices).toHaveLength(Object.keys(SUBCOMMANDS).length);
    for (const subcommand of deepclaw.options) expect(subcommand.description.length).toBeLessThanOrEqual(100);
    // Discord refuses a command whose names, descriptions and choice values add up to more than 8000 characters.
    const characters = (value: any): number =>
      Array.isArray(value)
        ? value.reduce((n: number, item) => n + characters(item), 0)
        : value && typeof value === 'object'
          ? Object.entries(value).reduce((n: number, [key, item]) => n + (['name', 'description', 'value'].includes(key) && typeof item === 'string' ? item.length : characters(item)), 0)
          : 0;
    expect(characters(deepclaw)).toBeLessThanOrEqual(8000);
  });

  it('changes nothing when run again', async () => {
    const stored = JSON.stringify(discord.commands.get('global'));
    const again = await cli(['discord', 'register', '--json'], { env });
    expect(again.exitCode).toBe(0);
    expect(again.json()).toEqual({ scope: 'global', commands: [{ name: 'deepclaw', id: expect.any(String), changed: false }] });
    expect(JSON.stringify(discord.commands.get('global'))).toBe(stored);
  });

  it('registers in one server with --guild, where Discord shows it at once', async () => {
    const guild = await cli(['discord', 'register', '--guild', GUILD], { env });
    expect(guild.exitCode).toBe(0);
    expect(guild.stdout).toContain(`/deepclaw registered in server ${GUILD}\n`);
    expect(discord.commands.get(GUILD)!.map((c) => c.body.name)).toEqual(['deepclaw']);
  });

  it('says what is wrong: no Discord configuration, a bad server id, an unknown subcommand, a refused token', async () => {
    expect(await cli(['discord', 'register'], { env: {} })).toMatchObject({
      exitCode: 2,
      stderr: 'deepclaw: Discord is not configured: set DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID (docs/discord.md)\n',
    });
    expect((await cli(['discord', 'register', '--guild', 'my-server'], { env })).stderr).toContain('--guild expects a server id, 17 to 20 digits (got "my-server")');
    expect((await cli(['discord', 'unregister'], { env })).stderr).toContain('"discord" needs one of: register');
    discord.failNext.set('GET /applications/:id/commands', [{ status: 401, code: 0, message: '401: Unauthorized' }]);
    const refused = await cli(['discord', 'register'], { env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('(check DISCORD_BOT_TOKEN)');
    expect(refused.stderr).not.toContain(BOT_TOKEN);
  });
});
