import { webApi } from '@slack/bolt';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack.ts';
import { workspaceAdmins } from './workspace-admins.ts';

describe('Slack workspace admins', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;
  let now = new Date('2026-11-21T12:00:00Z');
  const errors: unknown[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    slack = await startFakeSlack();
    client = new webApi.WebClient('xoxb-1-2-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });

  afterAll(async () => {
    await slack.close();
    nock.enableNetConnect();
  });

  it('asks users.info once a minute per user, so a demotion takes effect within a minute', async () => {
    const admins = workspaceAdmins(client, () => now, (error) => errors.push(error));
    slack.admins.add('U0ADMIN');
    expect(await admins.isAdmin('T1', 'U0ADMIN')).toBe(true);
    slack.admins.delete('U0ADMIN');
    now = new Date(now.getTime() + 59_000);
    expect(await admins.isAdmin('T1', 'U0ADMIN')).toBe(true);
    expect(slack.calls('users.info')).toHaveLength(1);
    now = new Date(now.getTime() + 2_000);
    expect(await admins.isAdmin('T1', 'U0ADMIN')).toBe(false);
    expect(slack.calls('users.info')).toHaveLength(2);
  });

  it('says no when Slack cannot answer', async () => {
    const admins = workspaceAdmins(client, () => now, (error) => errors.push(error));
    slack.admins.add('U0OWNER');
    slack.failNext.set('users.info', [{ error: 'ratelimited', status: 429, retryAfterSeconds: 1 }]);
    expect(await admins.isAdmin('T1', 'U0OWNER')).toBe(false);
    expect(errors).toHaveLength(1);
    // Not cached: the next question asks again.
    expect(await admins.isAdmin('T1', 'U0OWNER')).toBe(true);
  });
});
