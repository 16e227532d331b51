/**
 * The gateway transport through the real discord.js Client, connected to a loopback stand-in of
 * Discord's gateway (handed out by the fake REST's GET /gateway/bot): interactions dispatched on
 * it are answered with interaction callbacks over REST, and only the leader worker connects.
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChatPlatforms, type ChatPlatforms } from '../../adapters/chat-platforms.ts';
import { discordRest } from '../../adapters/discord/discord-rest.ts';
import { discordGateway } from '../../adapters/discord/gateway.ts';
import { interactionHandler } from '../../adapters/discord/interaction-handler.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import { message } from '../../bot/messages/message.ts';
import { openDatabase } from '../../bot/storage/orm.ts';
import { cli } from '../support/cli.ts';
import { describeStorage, TEST_DATABASE_CONFIG } from '../support/databases.ts';
import { MANAGE_SERVER, ORDINARY_MEMBER, shownText, slashCommand } from '../support/discord-interactions.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { until } from '../support/until.ts';

const APPLICATION_ID = '1100000000000000042';
const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDA0Mg.Gabcde.test-bot-token-not-real';
const GUILD = '700000000000000555';
const CHANNEL = '710000000000000555';
const BOB = { id: '800000000000000001', name: 'bob', permissions: MANAGE_SERVER };
const MALLORY = { id: '800000000000000002', name: 'mallory', permissions: ORDINARY_MEMBER };

describeStorage('Discord over the gateway', (db) => {
  let discord: FakeDiscord;
  let platforms: ChatPlatforms;
  const logs: { msg: string }[] = [];
  const connection: boolean[] = [];
  const config = () =>
    loadConfig({ DISCORD_BOT_TOKEN: BOT_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_TRANSPORT: 'gateway', DISCORD_API_URL: discord.apiUrl });
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: APPLICATION_ID });
    platforms = await createChatPlatforms({ config: config(), logger, orm: db().database.orm, agentSha256: async () => undefined, onConnectionChange: (_platform, up) => connection.push(up) });
  });

  afterAll(async () => {
    await platforms?.stop();
    await discord?.close();
    nock.enableNetConnect();
  });

  /** Dispatches an interaction on the gateway and returns the callback DeepClaw answered it with. */
  async function dispatched(interaction: ReturnType<typeof slashCommand>) {
    discord.gateway.dispatch('INTERACTION_CREATE', interaction);
    const route = `/interactions/${interaction.id}/${interaction.token}/callback`;
    await until(() => discord.calls.some((call) => call.path === route), 'the interaction was answered');
    await platforms.settled();
    return discord.calls.find((call) => call.path === route)!;
  }

  it('mounts no HTTP endpoint, connects with the Guilds intent only, and answers interactions with callbacks', async () => {
    expect(platforms.webhooks).toEqual([]);
    await platforms.start();
    await until(() => discord.gateway.openConnections === 1, 'the gateway is connected');
    expect(discord.gateway.identifies.at(-1)).toEqual({ token: BOT_TOKEN, intents: 1 });
    await until(() => connection.at(-1) === true, 'the connection is reported up');
    expect(logs.map((line) => line.msg)).toContain('Discord gateway connected');

    const help = await dispatched(slashCommand(MALLORY, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'help'));
    expect(help.body).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(shownText(help.body.data)).toContain('/deepclaw status [instance]');
    expect(help.authorization).toBeUndefined();

    await cli(['workspace', 'create', 'gateway-team'], { env: { DATABASE_URL: db().url } });
    const { code } = (await cli(['link-code', '--workspace', 'gateway-team', '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    const linked = await dispatched(slashCommand(BOB, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'link', { code }));
    expect(shownText(linked.body.data)).toContain('Linked to DeepClaw workspace "gateway-team" by bob');
    expect(linked.body.data.flags ?? 0).toBe(0);
    const refused = await dispatched(slashCommand(MALLORY, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'add', { name: 'vps-gw' }));
    expect(refused.body.data.flags).toBe(64);
    expect(shownText(refused.body.data)).toContain('Sorry, only DeepClaw admins can add instances');
    const status = await dispatched(slashCommand(MALLORY, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'status'));
    expect(shownText(status.body.data)).toContain('Workspace "gateway-team" has no instances yet');
    // The token privately in the callback; the channel's note as a follow-up once the callback is in.
    const add = slashCommand(BOB, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'add', { name: 'vps-gw' });
    const added = await dispatched(add);
    expect(added.body.data.flags).toBe(64);
    expect(shownText(added.body.data)).toMatch(/dcs_[0-9A-Za-z]{49}/);
    const followUp = discord.callsTo('POST /webhooks/:id/:token').find((call) => call.path === `/webhooks/${APPLICATION_ID}/${add.token}`)!;
    expect(followUp.at).toBeGreaterThanOrEqual(added.at);
    expect(shownText(followUp.body)).toContain('Instance vps-gw added by bob');
    expect(shownText(followUp.body)).not.toMatch(/dcs_/);

    await platforms.stop();
    await until(() => discord.gateway.openConnections === 0, 'the gateway is closed');
    expect(connection.at(-1)).toBe(false);
  });

  it('lets only the leader worker connect, and a follower take over when the leader stops', async () => {
    // Two workers need two database sessions: the embedded database has one session for all its
    // connections (and one process owns it), so this runs against Postgres.
    if (db().backend !== 'postgres') return;
    const second = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } });
    const discordConfig = config().discord!;
    const worker = (orm: typeof second.orm) => {
      const rest = discordRest({ apiUrl: discordConfig.apiUrl, botToken: discordConfig.botToken });
      const handler = interactionHandler({
        applicationId: APPLICATION_ID,
        rest,
        logger,
        clock: () => new Date(),
        commands: { run: async () => [{ audience: 'requester', message: message('hello from a worker') }], runAction: async () => [] },
        instanceNames: async () => [],
      });
      return discordGateway({ config: discordConfig, logger, orm, rest, handler, leadershipRetryMs: 50 });
    };
    const leader = worker(db().database.orm);
    const follower = worker(second.orm);
    try {
      const identifiedBefore = discord.gateway.identifies.length;
      await leader.start();
      await follower.start();
      await until(() => discord.gateway.openConnections === 1, 'the leader is connected');
      expect([leader.leading, follower.leading]).toEqual([true, false]);
      // Several retry intervals later, still one connection.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(discord.gateway.identifies.length - identifiedBefore).toBe(1);
      expect(discord.gateway.openConnections).toBe(1);

      await leader.stop();
      await until(() => follower.leading && discord.gateway.openConnections === 1, 'the follower has taken over');
      expect(discord.gateway.identifies.length - identifiedBefore).toBe(2);
      const interaction = slashCommand(MALLORY, { applicationId: APPLICATION_ID, guildId: GUILD, channelId: CHANNEL }, 'help');
      discord.gateway.dispatch('INTERACTION_CREATE', interaction);
      await until(() => discord.calls.some((call) => call.path === `/interactions/${interaction.id}/${interaction.token}/callback`), 'the follower answered');
    } finally {
      await leader.stop();
      await follower.stop();
      await second.close();
    }
  });
});
