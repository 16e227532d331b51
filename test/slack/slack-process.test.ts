/**
 * `npm start` with Slack configured, as a real process: it asks Slack who the bot is, serves
 * /slack/events on its one port, answers a signed command through response_url, refuses an
 * unsigned one, and never prints a Slack secret.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../adapters/slack/verify-signature.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startService } from '../support/processes.ts';

const BOT_TOKEN = 'xoxb-3333-4444-processbottoken';
const SIGNING_SECRET = '9f86d081884c7d659a2feaa0c55ad015';

describe('the service with Slack configured', () => {
  let slack: FakeSlack;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    slack = await startFakeSlack();
  });

  afterAll(async () => {
    await slack?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('serves Slack commands at /slack/events next to ingest, and keeps its secrets out of the log', async () => {
    const service = await startService({
      DEEPCLAW_DATA_DIR: mkdtempSync(join(tmpdir(), 'deepclaw-data-')),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
    try {
      expect(slack.calls('auth.test').map((c) => c.token)).toEqual([BOT_TOKEN]);
      const url = `http://127.0.0.1:${service.port}/slack/events`;
      const responseUrl = slack.responseUrl();
      const body = new URLSearchParams({ team_id: 'T0PROC', channel_id: 'C0PROC', user_id: 'U0PROC', user_name: 'pat', command: '/deepclaw', text: 'help', response_url: responseUrl }).toString();
      const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(unsigned.status).toBe(401);

      const timestamp = Math.floor(Date.now() / 1000);
      const signed = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, body) },
        body,
      });
      expect(signed.status).toBe(200);
      const id = responseUrl.split('/').pop();
      const deadline = Date.now() + 5000;
      while (!slack.responses.some((r) => r.id === id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(slack.responses.find((r) => r.id === id)?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('DeepClaw commands') });
    } finally {
      const { code } = await service.stop();
      expect(code).toBe(0);
    }
    expect(service.output()).not.toContain(BOT_TOKEN);
    expect(service.output()).not.toContain(SIGNING_SECRET);
  });
});
