/**
 * A stand-in for Discord on loopback: the REST routes DeepClaw calls (`DISCORD_API_URL` points
 * here) and a gateway WebSocket that `GET /gateway/bot` hands out, each recording what it was
 * sent. Only the wire is faked; the real @discordjs/rest client and discord.js Client talk to it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAKE_BOT_USER_ID = '900000000000000001';

export interface RestCall {
  method: string;
  /** The path after /api/v10, like /channels/123/messages. */
  path: string;
  /** The path with ids replaced: /channels/:id/messages, /webhooks/:id/:token/messages/@original. */
  route: string;
  body: any;
  authorization: string | undefined;
  /** When it arrived (real time). */
  at: number;
}

export interface Failure {
  status: number;
  /** Discord's JSON error code (50001 Missing Access, 10003 Unknown Channel, …). */
  code?: number;
  message?: string;
  /** For a 429: Discord's retry_after, in seconds (also sent as the Retry-After header). */
  retryAfterSeconds?: number;
}

export interface FakeDiscord {
  /** The REST base without the version, to use as DISCORD_API_URL. */
  apiUrl: string;
  calls: RestCall[];
  /** Calls of one `METHOD /route`, like `POST /channels/:id/messages`. */
  callsTo(route: string): RestCall[];
  /** The next calls of a `METHOD /route` answer these instead, in order. */
  failNext: Map<string, Failure[]>;
  /** Messages posted and edited in channels, by message id, as they stand now. */
  messages: Map<string, { id: string; channel_id: string; body: any; edits: number }>;
  /** Application commands as Discord stores them, by scope (`global` or a guild id). */
  commands: Map<string, { id: string; version: string; body: any }[]>;
  gateway: FakeGateway;
  close(): Promise<void>;
}

export interface FakeGateway {
  /** Every IDENTIFY received (one per connection that logged in), with its token and intents. */
  identifies: { token: string; intents: number }[];
  /** Connections open now. */
  readonly openConnections: number;
  /** Sends a dispatch (INTERACTION_CREATE, …) to every connection that has identified. */
  dispatch(event: string, data: unknown): void;
}

let snowflake = 1_100_000_000_000_000_000n;
export function nextSnowflake(): string {
  snowflake += 1n;
  return String(snowflake);
}

export async function startFakeDiscord(options: { applicationId: string }): Promise<FakeDiscord> {
  const gateway = fakeGateway(options.applicationId);
  const fake: Omit<FakeDiscord, 'apiUrl' | 'close' | 'gateway'> = {
    calls: [],
    failNext: new Map(),
    messages: new Map(),
    commands: new Map(),
    callsTo: (route) => fake.calls.filter((call) => `${call.method} ${call.route}` === route),
  };
  let wsUrl = '';
  const server: Server = createServer(async (request, response) => {
    const raw = await readAll(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      // Discord's 204s carry no body, and no content type claiming one.
      response.writeHead(status, status === 204 ? headers : { 'content-type': 'application/json', ...headers });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const route = path.replace(/\/\d{5,}/g, '/:id').replace(/^(\/(?:webhooks|interactions)\/:id)\/[^/]+/, '$1/:token');
    const body = raw ? JSON.parse(raw) : undefined;
    const call: RestCall = { method: request.method ?? 'GET', path, route, body, authorization: request.headers.authorization, at: Date.now() };
    fake.calls.push(call);
    const key = `${call.method} ${route}`;
    const failure = fake.failNext.get(key)?.shift();
    if (failure?.status === 429) {
      const seconds = failure.retryAfterSeconds ?? 30;
      return send(429, { message: 'You are being rate limited.', retry_after: seconds, global: false }, { 'retry-after': String(seconds), 'x-ratelimit-scope': 'user' });
    }
    if (failure) return send(failure.status, { message: failure.message ?? 'error', code: failure.code ?? 0 });
    const segments = path.split('/').filter(Boolean);
    if (key === 'GET /gateway/bot') {
      return send(200, { url: wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if (key === 'GET /users/@me') return send(200, { id: FAKE_BOT_USER_ID, username: 'deepclaw', discriminator: '0', avatar: null, global_name: null, bot: true });
    if (key === 'POST /channels/:id/messages') {
      const id = nextSnowflake();
      fake.messages.set(id, { id, channel_id: segments[1]!, body, edits: 0 });
      return send(200, messageOf(id, segments[1]!, body));
    }
    if (key === 'PATCH /channels/:id/messages/:id') {
      const existing = fake.messages.get(segments[3]!);
      if (!existing) return send(404, { message: 'Unknown Message', code: 10008 });
      existing.body = { ...existing.body, ...body };
      existing.edits += 1;
      return send(200, messageOf(existing.id, existing.channel_id, existing.body));
    }
    if (key === 'POST /interactions/:id/:token/callback') return send(204);
    if (key === 'POST /webhooks/:id/:token') return send(200, messageOf(nextSnowflake(), '0', body));
    if (key === 'PATCH /webhooks/:id/:token/messages/@original') return send(200, messageOf(nextSnowflake(), '0', body));
    if (key === 'DELETE /webhooks/:id/:token/messages/@original') return send(204);
    const commandsScope = route === '/applications/:id/commands' ? 'global' : route === '/applications/:id/guilds/:id/commands' ? segments[3]! : undefined;
    if (commandsScope && call.method === 'GET') return send(200, (fake.commands.get(commandsScope) ?? []).map(storedCommand(options.applicationId)));
    if (commandsScope && call.method === 'PUT') {
      // Bulk overwrite as Discord does it: a command keeps its id by name, and its version while unchanged.
      const before = new Map((fake.commands.get(commandsScope) ?? []).map((command) => [command.body.name as string, command]));
      const after = (body as any[]).map((definition) => {
        const existing = before.get(definition.name);
        const unchanged = existing && JSON.stringify(existing.body) === JSON.stringify(definition);
        return { id: existing?.id ?? nextSnowflake(), version: unchanged ? existing.version : nextSnowflake(), body: definition };
      });
      fake.commands.set(commandsScope, after);
      return send(200, after.map(storedCommand(options.applicationId)));
    }
    return send(404, { message: '404: Not Found', code: 0 });
  });
  server.on('upgrade', gateway.upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  wsUrl = `ws://127.0.0.1:${port}/gateway`;
  gateway.setResumeUrl(wsUrl);
  return {
    ...fake,
    apiUrl: `http://127.0.0.1:${port}/api`,
    gateway: gateway.api,
    close: () => {
      gateway.closeAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  } as FakeDiscord;
}

function messageOf(id: string, channelId: string, body: any) {
  return {
    id,
    channel_id: channelId,
    type: 0,
    content: body?.content ?? '',
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    author: { id: FAKE_BOT_USER_ID, username: 'deepclaw', discriminator: '0', avatar: null, global_name: null, bot: true },
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: body?.flags ?? 0,
  };
}

const storedCommand = (applicationId: string) => (command: { id: string; version: string; body: any }) => ({
  ...command.body,
  id: command.id,
  version: command.version,
  application_id: applicationId,
});

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Just enough of Discord's gateway (https://discord.com/developers/docs/events/gateway) over just
 * enough WebSocket (RFC 6455: the handshake, unfragmented text frames, ping, close): HELLO,
 * IDENTIFY answered with READY (no guilds, so discord.js is ready at once), heartbeats acked, and
 * dispatches the test sends.
 */
function fakeGateway(applicationId: string) {
  const sockets = new Set<Socket>();
  const identified = new Set<Socket>();
  const identifies: { token: string; intents: number }[] = [];
  let resumeUrl = '';
  let sequence = 0;
  const frame = (opcode: number, payload: Buffer) => {
    const length = payload.length;
    let head: Buffer;
    if (length < 126) head = Buffer.from([0x80 | opcode, length]);
    else if (length < 65_536) head = Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
    else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    return Buffer.concat([head, payload]);
  };
  const sendJson = (socket: Socket, value: unknown) => socket.write(frame(0x1, Buffer.from(JSON.stringify(value))));
  const onMessage = (socket: Socket, payload: any) => {
    if (payload.op === 1) return sendJson(socket, { op: 11 });
    if (payload.op === 2) {
      identifies.push({ token: payload.d.token, intents: payload.d.intents });
      identified.add(socket);
      sendJson(socket, {
        op: 0,
        t: 'READY',
        s: ++sequence,
        d: {
          v: 10,
          user: { id: FAKE_BOT_USER_ID, username: 'deepclaw', discriminator: '0', avatar: null, global_name: null, bot: true, flags: 0 },
          guilds: [],
          session_id: `session-${identifies.length}`,
          resume_gateway_url: resumeUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
        },
      });
    }
  };
  const upgrade = (request: IncomingMessage, socket: Socket) => {
    const key = String(request.headers['sec-websocket-key']);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    const forget = () => {
      sockets.delete(socket);
      identified.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (buffered.length < 2) return;
        const opcode = buffered[0]! & 0x0f;
        let length = buffered[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        const masked = (buffered[1]! & 0x80) !== 0;
        const mask = masked ? buffered.subarray(offset, offset + 4) : undefined;
        offset += masked ? 4 : 0;
        if (buffered.length < offset + length) return;
        const payload = Buffer.from(buffered.subarray(offset, offset + length));
        if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x1) onMessage(socket, JSON.parse(payload.toString('utf8')));
        else if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) {
          forget();
          socket.end(frame(0x8, payload.subarray(0, 2)));
        }
      }
    });
    sendJson(socket, { op: 10, d: { heartbeat_interval: 41_250 } });
  };
  return {
    upgrade,
    setResumeUrl(url: string) {
      resumeUrl = url;
    },
    closeAll() {
      for (const socket of sockets) socket.destroy();
    },
    api: {
      identifies,
      get openConnections() {
        return identified.size;
      },
      dispatch(event: string, data: unknown) {
        for (const socket of identified) sendJson(socket, { op: 0, t: event, s: ++sequence, d: data });
      },
    } satisfies FakeGateway,
  };
}
