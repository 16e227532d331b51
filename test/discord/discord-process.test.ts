/**
 * `npm start` with Discord configured, as a real process: over HTTP it serves
 * /discord/interactions on its one port (PONG to a signed PING, 401 to an unsigned one); over the
 * gateway it connects out and answers there; either way it never prints the bot token.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGE_SERVER, slashCommand, testKeyPair } from '../support/discord-interactions.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { until } from '../support/until.ts';
import { startService } from '../support/processes.ts';

const APPLICATION_ID = '1100000000000000077';
const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDA3Nw.Gproc.process-bot-token-not-real';
const PAT = { id: '800000000000000077', name: 'pat', permissions: MANAGE_SERVER };

describe('the service with Discord configured', () => {
  let discord: FakeDiscord;
  const keys = testKeyPair();

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: APPLICATION_ID });
  });

  afterAll(async () => {
    await discord?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('serves Discord interactions at /discord/interactions next to ingest, and keeps the bot token out of the log', async () => {
    const service = await startService({
      DEEPCLAW_DATA_DIR: mkdtempSync(join(tmpdir(), 'deepclaw-data-')),
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_API_URL: discord.apiUrl,
    });
    try {
      const url = `http://127.0.0.1:${service.port}/discord/interactions`;
      const post = (body: string, signed = true) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-signature-timestamp': timestamp };
        if (signed) headers['x-signature-ed25519'] = keys.sign(timestamp, body);
        return fetch(url, { method: 'POST', headers, body });
      };
      const ping = JSON.stringify({ id: '1', application_id: APPLICATION_ID, type: 1, token: 'ping', version: 1 });
      expect((await post(ping, false)).status).toBe(401);
      const pong = await post(ping);
      expect(pong.status).toBe(200);
      expect(await pong.json()).toEqual({ type: 1 });
      const help = await post(JSON.stringify(slashCommand(PAT, { applicationId: APPLICATION_ID, guildId: '700000000000000077', channelId: '710000000000000077' }, 'help')));
      expect(await help.json()).toMatchObject({ type: 4, data: { flags: 64, embeds: [{ title: 'DeepClaw commands' }] } });
      await until(() => discord.callsTo('GET /users/@me').length > 0, 'the token was checked');
    } finally {
      const { code } = await service.stop();
      expect(code).toBe(0);
    }
    expect(service.output()).toContain('Discord accepted the bot token');
    expect(service.output()).not.toContain(BOT_TOKEN);
  });

  it('over the gateway, connects from the worker and answers there, with no HTTP endpoint', async () => {
    const service = await startService({
      DEEPCLAW_DATA_DIR: mkdtempSync(join(tmpdir(), 'deepclaw-data-')),
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_TRANSPORT: 'gateway',
      DISCORD_API_URL: discord.apiUrl,
    });
    try {
      await until(() => discord.gateway.openConnections === 1, 'the gateway is connected');
      expect((await fetch(`http://127.0.0.1:${service.port}/discord/interactions`, { method: 'POST', body: '{}' })).status).toBe(404);
      const interaction = slashCommand(PAT, { applicationId: APPLICATION_ID, guildId: '700000000000000077', channelId: '710000000000000077' }, 'help');
      discord.gateway.dispatch('INTERACTION_CREATE', interaction);
      await until(() => discord.calls.some((call) => call.path === `/interactions/${interaction.id}/${interaction.token}/callback`), 'the interaction was answered');
      await until(() => service.output().includes('Discord gateway connected'), 'the connection was logged');
    } finally {
      const { code } = await service.stop();
      expect(code).toBe(0);
    }
    await until(() => discord.gateway.openConnections === 0, 'the gateway is closed');
    expect(service.output()).not.toContain(BOT_TOKEN);
  });
});
