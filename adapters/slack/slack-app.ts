/**
 * The Slack integration, assembled: a Bolt app whose `/deepclaw` slash command and alert buttons
 * feed the platform-neutral command core, over HTTP (mounted in Koa at /slack/events) or Socket
 * Mode (when SLACK_APP_TOKEN is set), plus the outbound ChatAdapter the outbox delivers through.
 *
 * Replies meant for the requester go back as ephemeral messages through `response_url` — the only
 * place a token may appear; replies for the channel go `in_channel` (or into the alert's thread
 * after a button click). A reply carrying a secret is never sent to a channel, whatever the core
 * asked for.
 */
import { App, LogLevel, SocketModeReceiver, webApi, type BlockAction, type ButtonAction, type Logger as BoltLogger, type RespondFn } from '@slack/bolt';
import type { Middleware } from 'koa';
import type { ChatAdapter } from '../../bot/chat/chat-adapter.ts';
import type { AlertActionRequest, CommandRequest, Requester } from '../../bot/commands/command-request.ts';
import type { SlackConfig } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import { holdsSecret, type Reply } from '../../bot/messages/message.ts';
import { slackAdapter } from './adapter.ts';
import { KoaSlackReceiver } from './koa-receiver.ts';
import { ALERT_ACTION_IDS, renderMessage } from './render.ts';
import { workspaceAdmins } from './workspace-admins.ts';

export interface SlackDependencies {
  config: SlackConfig;
  logger: Logger;
  clock: () => Date;
  commands: {
    run(request: CommandRequest): Promise<Reply[]>;
    runAction(request: AlertActionRequest): Promise<Reply[]>;
  };
  /** The replay guard (HTTP mode): false when this signature was already handled. */
  isFirstSighting(signature: string, now: Date): Promise<boolean>;
  /** Told when the Socket Mode connection opens (true) or drops (false), for metrics. */
  onConnectionChange?(up: boolean): void;
}

export interface SlackIntegration {
  adapter: ChatAdapter;
  /** POST /slack/events, in HTTP mode; undefined in Socket Mode. */
  httpHandler?: Middleware;
  /** Opens the Socket Mode connection (no-op over HTTP). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once listeners still working after their ack have finished. */
  settled(): Promise<void>;
}

const ACTIONS: Record<string, AlertActionRequest['action']> = Object.fromEntries(Object.entries(ALERT_ACTION_IDS).map(([action, id]) => [id, action])) as Record<
  string,
  AlertActionRequest['action']
>;

export async function createSlackIntegration(deps: SlackDependencies): Promise<SlackIntegration> {
  const { config, logger } = deps;
  const boltLogger = toBoltLogger(logger);
  // The outbox retries and honours Retry-After itself: the client must do neither.
  const clientOptions = { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000 };
  const socketMode = Boolean(config.appToken);
  const httpReceiver = socketMode
    ? undefined
    : new KoaSlackReceiver({ signingSecret: config.signingSecret!, logger, clock: deps.clock, isFirstSighting: deps.isFirstSighting });
  const receiver = httpReceiver ?? new SocketModeReceiver({ appToken: config.appToken!, logger: boltLogger, installerOptions: { clientOptions } });
  if (!httpReceiver && deps.onConnectionChange) {
    const changed = deps.onConnectionChange;
    const socket = (receiver as SocketModeReceiver).client;
    changed(false);
    socket.on('connected', () => changed(true));
    // It reconnects by itself; until then no event reaches us.
    for (const state of ['reconnecting', 'disconnecting', 'disconnected']) socket.on(state, () => changed(false));
  }
  const client = new webApi.WebClient(config.botToken, { ...clientOptions, logger: boltLogger });
  // Who the bot is, asked once here: Bolt would otherwise ask auth.test on every event. A bad
  // token is reported at start-up; Slack being unreachable is not fatal (Bolt asks later).
  const identity = await client.auth.test().then(
    (result) => ({ botId: result.bot_id, botUserId: result.user_id }),
    (error: unknown) => {
      logger.error({ err: error }, 'Slack auth.test failed: check SLACK_BOT_TOKEN (Slack will be asked again on the first command)');
      return {};
    },
  );
  const app = new App({ token: config.botToken, ...identity, tokenVerificationEnabled: false, receiver, logger: boltLogger, clientOptions });
  const admins = workspaceAdmins(client, deps.clock, (error) => logger.warn({ err: error }, 'Slack users.info failed; treating the user as not an admin'));
  const inFlight = new Set<Promise<unknown>>();

  const requesterOf = async (teamId: string, userId: string, name: string): Promise<Requester> => ({
    platform: 'slack',
    userId,
    displayName: name || userId,
    isPlatformAdmin: await admins.isAdmin(teamId, userId),
  });

  /** Sends the core's replies: the requester's ephemerally, the channel's in the channel or thread. */
  const deliver = async (replies: Reply[], respond: RespondFn, thread?: { channel: string; ts: string }) => {
    for (const reply of replies) {
      const rendered = renderMessage(reply.message);
      if (reply.audience === 'requester') {
        await respond({ response_type: 'ephemeral', replace_original: false, ...rendered, mrkdwn: false });
      } else if (holdsSecret(reply.message)) {
        logger.error({ title: reply.message.title }, 'refused to post a reply holding a secret to a Slack channel');
      } else if (thread) {
        await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, ...rendered, mrkdwn: false });
      } else {
        await respond({ response_type: 'in_channel', replace_original: false, ...rendered, mrkdwn: false });
      }
    }
  };

  const failed = async (respond: RespondFn, error: unknown) => {
    logger.error({ err: error }, 'a Slack command failed');
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'Sorry, that failed on the DeepClaw side; the service log has the details. Nothing was sent to the channel.' }).catch(
      () => undefined,
    );
  };

  app.command('/deepclaw', async ({ command, ack, respond }) => {
    // Ack at once (Slack gives up after 3 s); the answer follows through response_url.
    await ack();
    try {
      const requester = await requesterOf(command.team_id, command.user_id, command.user_name);
      const replies = await deps.commands.run({ text: command.text ?? '', requester, place: { chatId: command.team_id, channelId: command.channel_id } });
      await deliver(replies, respond);
    } catch (error) {
      await failed(respond, error);
    }
  });

  app.action<BlockAction<ButtonAction>>(/^deepclaw_(ack|mute_1h|mute_24h)$/, async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const requester = await requesterOf(teamId, body.user.id, body.user.username ?? body.user.name);
      const channel = body.channel?.id ?? '';
      const thread = body.message ? { channel, ts: String(body.message.ts) } : undefined;
      const replies = await deps.commands.runAction({
        action: ACTIONS[action.action_id]!,
        eventId: action.value ?? '',
        requester,
        place: { chatId: teamId, channelId: channel, threadRef: thread },
      });
      await deliver(replies, respond, thread);
    } catch (error) {
      await failed(respond, error);
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'Slack app error');
  });

  return {
    adapter: slackAdapter(client),
    httpHandler: httpReceiver?.middleware(),
    async start() {
      if (socketMode) await app.start();
    },
    async stop() {
      await Promise.allSettled([...inFlight]);
      await app.stop().catch(() => undefined);
    },
    async settled() {
      await httpReceiver?.settled();
    },
  };
}

/** Bolt's logger interface onto ours, at warn and above: Bolt's debug lines include request bodies. */
function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}
