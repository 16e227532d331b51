/** Slack's registration: on when SLACK_BOT_TOKEN is set; HTTP events or Socket Mode (slack-app.ts). */
import { replayGuard } from '../../bot/chat/inbound-replay-guard.ts';
import type { ChatPlatformRegistration } from '../chat-platform.ts';
import { createSlackIntegration } from './slack-app.ts';
import { SIGNATURE_WINDOW_SECONDS } from './verify-signature.ts';

export const slackPlatform: ChatPlatformRegistration = {
  platform: 'slack',
  async create({ config, logger, orm, clock, commands, onConnectionChange }) {
    if (!config.slack) return undefined;
    const slack = await createSlackIntegration({
      config: config.slack,
      logger,
      clock,
      commands,
      isFirstSighting: replayGuard(orm, 'slack', SIGNATURE_WINDOW_SECONDS),
      onConnectionChange,
    });
    return {
      adapter: slack.adapter,
      webhooks: slack.httpHandler ? [{ path: '/slack/events', handler: slack.httpHandler }] : [],
      start: () => slack.start(),
      stop: () => slack.stop(),
      settled: () => slack.settled(),
    };
  },
};
