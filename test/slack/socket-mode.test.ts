/**
 * Slack over Socket Mode (SLACK_APP_TOKEN set): the worker opens the WebSocket that
 * `apps.connections.open` hands out, slash commands arrive as envelopes over it, are acked on it,
 * and answered through response_url — nothing inbound over HTTP.
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChatPlatforms, type ChatPlatforms } from '../../adapters/chat-platforms.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';

const APP_TOKEN = 'xapp-1-A0DEEPCLAW-1-apptoken';

describeStorage('Slack over Socket Mode', (db) => {
  let slack: FakeSlack;
  let platforms: ChatPlatforms;
  let envelopes = 0;
  /** What the integration said about its connection, in order (deepclaw_chat_connections). */
  const connection: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    slack = await startFakeSlack();
    slack.admins.add('U0BOB');
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-bot', SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl });
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    platforms = await createChatPlatforms({ config, logger, orm: db().database.orm, onConnectionChange: (platform, up) => connection.push(`${platform} ${up ? 'up' : 'down'}`) });
    await platforms.start();
    await slack.socket.connected();
  });

  afterAll(async () => {
    await platforms?.stop();
    await slack?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** Sends `/deepclaw <text>` over the socket and waits (bounded) for its answers via response_url. */
  async function command(user: { id: string; name: string }, text: string, answers: number) {
    const responseUrl = slack.responseUrl();
    const envelopeId = `envelope-${++envelopes}`;
    slack.socket.send({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy',
        team_id: 'T0SOCKET',
        team_domain: 'acme',
        channel_id: 'C0SOCKET',
        channel_name: 'ops',
        user_id: user.id,
        user_name: user.name,
        command: '/deepclaw',
        text,
        api_app_id: 'A0DEEPCLAW',
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: '1.2.3',
      },
    });
    const id = responseUrl.split('/').pop();
    const deadline = Date.now() + 5000;
    while (slack.responses.filter((r) => r.id === id).length < answers && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return { envelopeId, responses: slack.responses.filter((r) => r.id === id).map((r) => r.body) };
  }

  it('connects with the app token through apps.connections.open', () => {
    expect(slack.calls('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN]);
  });

  it('reports the connection down until Slack says hello, then up', async () => {
    await expect.poll(() => connection.at(-1), { timeout: 5000 }).toBe('slack up');
    expect(connection[0]).toBe('slack down');
  });

  it('acks each command on the socket and answers it through response_url', async () => {
    const { code } = (await cli(['link-code', '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    const linked = await command({ id: 'U0BOB', name: 'bob' }, `link ${code}`, 1);
    expect(slack.socket.received.map((m) => m.envelope_id)).toContain(linked.envelopeId);
    expect(JSON.stringify(linked.responses)).toContain('Linked to DeepClaw workspace');

    const status = await command({ id: 'U0MALLORY', name: 'mallory' }, 'rotate-token nothing', 1);
    expect(status.responses).toEqual([expect.objectContaining({ response_type: 'ephemeral' })]);
    expect(JSON.stringify(status.responses)).toContain('Sorry, only DeepClaw admins can rotate sync tokens');
  });
});
