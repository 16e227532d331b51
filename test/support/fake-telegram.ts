/**
 * A stand-in for the Telegram Bot API on loopback (`TELEGRAM_API_ROOT` points here): the methods
 * DeepClaw calls, each recording what it was sent, answering in the Bot API's own shapes
 * (`{ ok, result }`, `{ ok: false, error_code, description, parameters }`). Only the wire is
 * faked; the real grammY client talks to it. Also builds updates as Telegram sends them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAKE_BOT = { id: 7_000_000_001, is_bot: true as const, first_name: 'DeepClaw', username: 'deepclaw_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false };
/** Telegram's account that anonymous group admins post as. */
export const GROUP_ANONYMOUS_BOT = { id: 1_087_968_824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };

export interface BotApiCall {
  method: string;
  payload: Record<string, any>;
  /** The token in the URL the client called. */
  token: string;
}

export interface BotApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface FakeTelegram {
  /** Use as TELEGRAM_API_ROOT. */
  apiRoot: string;
  calls: BotApiCall[];
  callsOf(method: string): BotApiCall[];
  /** `chat:user` pairs getChatMember calls administrators (`creator` for the first one given per chat). */
  admins: Set<string>;
  /** Users who pressed Start in a private chat with the bot: only they can be written to privately. */
  startedPrivateChat: Set<number>;
  /** Basic groups upgraded to supergroups: any call to the old id answers 400 with migrate_to_chat_id. */
  migrated: Map<number, number>;
  /** The next calls of a method answer this instead; `'drop'` destroys the connection (a network failure). */
  failNext: Map<string, (BotApiFailure | 'drop')[]>;
  /** The next calls addressed to a chat answer this instead, whatever the method. */
  failNextIn: Map<number, BotApiFailure[]>;
  /** Updates getUpdates hands out (long polling). */
  pendingUpdates: Record<string, unknown>[];
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  close(): Promise<void>;
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  let messageIds = 500;
  const sockets = new Set<Socket>();
  const fake: Omit<FakeTelegram, 'apiRoot' | 'close'> = {
    calls: [],
    callsOf: (method) => fake.calls.filter((c) => c.method === method),
    admins: new Set(),
    startedPrivateChat: new Set(),
    migrated: new Map(),
    failNext: new Map(),
    failNextIn: new Map(),
    pendingUpdates: [],
    webhook: undefined,
  };
  const server: Server = createServer(async (request, response) => {
    const raw = await readAll(request);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(request.url ?? '/', 'http://fake').pathname);
    const ok = (result: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, result }));
    };
    const fail = (failure: BotApiFailure) => {
      response.writeHead(failure.error_code, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, ...failure }));
    };
    if (!match) return fail({ error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    const payload: Record<string, any> = raw ? JSON.parse(raw) : {};
    fake.calls.push({ method, payload, token });
    const failure = fake.failNext.get(method)?.shift();
    if (failure === 'drop') return request.socket.destroy();
    if (failure) return fail(failure);
    const chatId = payload.chat_id === undefined ? undefined : Number(payload.chat_id);
    const chatFailure = chatId === undefined ? undefined : fake.failNextIn.get(chatId)?.shift();
    if (chatFailure) return fail(chatFailure);
    if (chatId !== undefined && fake.migrated.has(chatId)) {
      return fail({ error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: fake.migrated.get(chatId)! } });
    }
    const privateRefused = chatId !== undefined && chatId > 0 && !fake.startedPrivateChat.has(chatId);
    switch (method) {
      case 'getMe':
        return ok(FAKE_BOT);
      case 'sendChatAction':
      case 'sendMessage': {
        if (privateRefused) return fail({ error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
        if (method === 'sendChatAction') return ok(true);
        return ok({
          message_id: ++messageIds,
          date: Math.floor(Date.now() / 1000),
          chat: chatId! > 0 ? { id: chatId, type: 'private', first_name: 'Someone' } : { id: chatId, type: 'supergroup', title: 'Ops' },
          from: FAKE_BOT,
          text: payload.text,
          ...(payload.message_thread_id ? { message_thread_id: payload.message_thread_id, is_topic_message: true } : {}),
        });
      }
      case 'editMessageText':
        return ok({ message_id: payload.message_id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'supergroup', title: 'Ops' }, text: payload.text });
      case 'answerCallbackQuery':
      case 'setMyCommands':
        return ok(true);
      case 'getChatMember': {
        const key = `${chatId}:${payload.user_id}`;
        const status = fake.admins.has(key) ? 'administrator' : 'member';
        return ok({ status, user: { id: payload.user_id, is_bot: false, first_name: 'Member' }, ...(status === 'administrator' ? { can_be_edited: false, is_anonymous: false } : {}) });
      }
      case 'setWebhook':
        fake.webhook = { url: payload.url, secret_token: payload.secret_token, allowed_updates: payload.allowed_updates };
        return ok(true);
      case 'deleteWebhook':
        fake.webhook = undefined;
        return ok(true);
      case 'getWebhookInfo':
        return ok({
          url: fake.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: fake.webhook ? 3 : 0,
          ...(fake.webhook ? { last_error_date: 1_796_000_000, last_error_message: 'Wrong response from the webhook: 502 Bad Gateway', allowed_updates: fake.webhook.allowed_updates } : {}),
        });
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        const due = () => fake.pendingUpdates.filter((u) => Number(u.update_id) >= offset);
        // A long poll, shortened: wait a little for updates rather than spin.
        for (let waited = 0; due().length === 0 && waited < Math.min(200, Number(payload.timeout ?? 0) * 1000); waited += 20) await new Promise((r) => setTimeout(r, 20));
        const updates = due();
        fake.pendingUpdates = fake.pendingUpdates.filter((u) => !updates.includes(u));
        return ok(updates);
      }
      default:
        return fail({ error_code: 404, description: 'Not Found: method not found' });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The same object the server writes to (webhook, pendingUpdates are reassigned), not a copy.
  return Object.assign(fake, {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

// --- Updates as Telegram sends them -------------------------------------------------------------

export interface TelegramPerson {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

export type TelegramChat =
  | { id: number; type: 'private'; first_name: string; username?: string }
  | { id: number; type: 'group'; title: string; all_members_are_administrators?: boolean }
  | { id: number; type: 'supergroup'; title: string; is_forum?: true };

let updateIds = 90_000_000;
let messageIds = 10_000;

export function privateChatOf(person: TelegramPerson): TelegramChat {
  return { id: person.id, type: 'private', first_name: person.first_name, ...(person.username ? { username: person.username } : {}) };
}

/**
 * A message whose text starts with a command, with its `bot_command` entity as Telegram marks it
 * (`/deepclaw` or `/deepclaw@bot`, up to the first space). `from` an anonymous admin: pass `'anonymous'`.
 */
export function commandUpdate(input: { chat: TelegramChat; from: TelegramPerson | 'anonymous'; text: string; threadId?: number }): Record<string, unknown> {
  const commandWord = input.text.split(' ')[0]!;
  const from = input.from === 'anonymous' ? GROUP_ANONYMOUS_BOT : { ...input.from, is_bot: false, language_code: 'en' };
  return {
    update_id: ++updateIds,
    message: {
      message_id: ++messageIds,
      from,
      ...(input.from === 'anonymous' ? { sender_chat: { id: input.chat.id, type: input.chat.type, title: 'title' in input.chat ? input.chat.title : '' } } : {}),
      chat: input.chat,
      date: Math.floor(Date.now() / 1000),
      ...(input.threadId !== undefined ? { message_thread_id: input.threadId, is_topic_message: true } : {}),
      text: input.text,
      entities: commandWord.startsWith('/') ? [{ offset: 0, length: commandWord.length, type: 'bot_command' }] : [],
    },
  };
}

/** A press of an inline keyboard button under one of the bot's messages. */
export function callbackUpdate(input: { chat: TelegramChat; from: TelegramPerson; data: string; messageId: number; threadId?: number }): Record<string, unknown> {
  return {
    update_id: ++updateIds,
    callback_query: {
      id: String(4_000_000_000_000 + updateIds),
      from: { ...input.from, is_bot: false },
      message: {
        message_id: input.messageId,
        from: FAKE_BOT,
        chat: input.chat,
        date: Math.floor(Date.now() / 1000),
        ...(input.threadId !== undefined ? { message_thread_id: input.threadId, is_topic_message: true } : {}),
        text: 'alert',
      },
      chat_instance: '-8000000000000000001',
      data: input.data,
    },
  };
}

/** The service message Telegram posts in a basic group when it becomes a supergroup. */
export function migrateToUpdate(input: { group: TelegramChat; by: TelegramPerson; toChatId: number }): Record<string, unknown> {
  return {
    update_id: ++updateIds,
    message: { message_id: ++messageIds, from: { ...input.by, is_bot: false }, chat: input.group, date: Math.floor(Date.now() / 1000), migrate_to_chat_id: input.toChatId },
  };
}
