import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import { createLogger } from '../../bot/logger.ts';
import { code, message, text, type Reply } from '../../bot/messages/message.ts';
import { MANAGE_SERVER, ORDINARY_MEMBER, shownText, slashCommand } from '../../test/support/discord-interactions.ts';
import { startFakeDiscord, type FakeDiscord } from '../../test/support/fake-discord.ts';
import { discordRest } from './discord-rest.ts';
import { hasAdminPermissions, interactionHandler } from './interaction-handler.ts';

const APPLICATION_ID = '1100000000000000042';
const WHERE = { applicationId: APPLICATION_ID, guildId: '700000000000000001', channelId: '710000000000000001' };
const BOB = { id: '800000000000000001', name: 'bob', permissions: MANAGE_SERVER };

/** A command core the test answers by hand, so "slow" is whatever the test says. */
function heldCommands() {
  let release!: (replies: Reply[]) => void;
  const requests: unknown[] = [];
  return {
    requests,
    release: (replies: Reply[]) => release(replies),
    commands: {
      run: (request: unknown) => {
        requests.push(request);
        return new Promise<Reply[]>((resolve) => (release = resolve));
      },
      runAction: async () => [],
    },
  };
}

describe('the Discord interaction handler', () => {
  let discord: FakeDiscord;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: APPLICATION_ID });
  });

  afterAll(async () => {
    await discord?.close();
    nock.enableNetConnect();
  });

  function setUp() {
    const held = heldCommands();
    let defer!: () => void;
    const handler = interactionHandler({
      applicationId: APPLICATION_ID,
      rest: discordRest({ apiUrl: discord.apiUrl, botToken: 'MTEw.Gabc.test' }),
      logger,
      clock: () => new Date('2026-12-02T12:00:00Z'),
      commands: held.commands,
      instanceNames: async () => [],
      deferSignal: () => new Promise<void>((resolve) => (defer = resolve)),
    });
    const responses: APIInteractionResponse[] = [];
    const run = (interaction: unknown) => handler.handle(interaction as APIInteraction, async (response) => void responses.push(response));
    return { held, responses, run, defer: () => defer() };
  }

  it('turns the options into the words of the grammar, and knows Manage Server from its bits', async () => {
    const { held, run, defer } = setUp();
    const done = run(slashCommand(BOB, WHERE, 'rotate-token', { instance: 'my-vps', grace: '15m' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.requests).toEqual([
      {
        text: 'rotate-token my-vps --grace 15m',
        requester: { platform: 'discord', userId: BOB.id, displayName: 'bob', isPlatformAdmin: true },
        place: { chatId: WHERE.guildId, channelId: WHERE.channelId },
      },
    ]);
    defer();
    held.release([]);
    await done;
    expect(hasAdminPermissions(ORDINARY_MEMBER)).toBe(false);
    expect(hasAdminPermissions(String(1n << 3n))).toBe(true);
    expect(hasAdminPermissions(undefined)).toBe(false);
  });

  it('defers a slow private answer ephemerally (type 5, flags 64) and completes it by editing the original response', async () => {
    const { held, responses, run, defer } = setUp();
    const interaction = slashCommand(BOB, WHERE, 'rotate-token', { instance: 'my-vps' });
    const done = run(interaction);
    defer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(responses).toEqual([{ type: 5, data: { flags: 64 } }]);
    held.release([
      { audience: 'requester', message: message('New sync token for my-vps', code('dcs_secret', true)) },
      { audience: 'channel', message: message('Sync token of my-vps rotated by bob', text('sent privately')) },
    ]);
    await done;
    const calls = discord.calls.filter((call) => call.path.includes(interaction.token));
    expect(calls.map((call) => `${call.method} ${call.route}`)).toEqual(['PATCH /webhooks/:id/:token/messages/@original', 'POST /webhooks/:id/:token']);
    expect(shownText(calls[0]!.body)).toContain('dcs_secret');
    expect(shownText(calls[1]!.body)).toContain('rotated by bob');
    expect(calls[1]!.body.flags).toBeUndefined();
    expect(calls[1]!.path).toBe(`/webhooks/${APPLICATION_ID}/${interaction.token}`);
  });

  it('defers a slow public answer publicly, and removes the placeholder when the answer turns out private', async () => {
    const { held, responses, run, defer } = setUp();
    const interaction = slashCommand(BOB, WHERE, 'mute', { target: 'my-vps', duration: '1h' });
    const done = run(interaction);
    defer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(responses).toEqual([{ type: 5, data: {} }]);
    held.release([{ audience: 'requester', message: message('Nothing was changed', text('no such instance')) }]);
    await done;
    const calls = discord.calls.filter((call) => call.path.includes(interaction.token));
    expect(calls.map((call) => `${call.method} ${call.route}`)).toEqual(['POST /webhooks/:id/:token', 'DELETE /webhooks/:id/:token/messages/@original']);
    expect(calls[0]!.body.flags).toBe(64);
  });

  it('never posts a reply holding a secret where the channel can read it', async () => {
    const { held, responses, run } = setUp();
    const done = run(slashCommand(BOB, WHERE, 'add', { name: 'my-vps' }));
    held.release([{ audience: 'channel', message: message('oops', code('dcs_leaked', true)) }]);
    await done;
    expect(JSON.stringify(responses)).not.toContain('dcs_leaked');
    expect(responses).toEqual([{ type: 4, data: expect.objectContaining({ flags: 64 }) }]);
  });
});
