/**
 * A stand-in for Slack on loopback: the Web API methods DeepClaw calls (`SLACK_API_URL` points
 * here) and `response_url` endpoints, each recording what it was sent. Only the wire is faked;
 * the real Bolt SDK and Web API client talk to it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ApiCall {
  method: string;
  /** The arguments, with `blocks` parsed back from JSON. */
  args: Record<string, any>;
  /** The bearer token the client presented. */
  token: string | undefined;
}

export interface ResponseUrlCall {
  id: string;
  body: Record<string, any>;
}

export interface FakeSlack {
  /** Base of the Web API, to use as SLACK_API_URL. */
  apiUrl: string;
  /** A fresh response_url for one slash command or click. */
  responseUrl(): string;
  apiCalls: ApiCall[];
  responses: ResponseUrlCall[];
  /** Workspace admins and owners, as users.info will say. */
  admins: Set<string>;
  /** The next calls of a method answer this instead (Slack's own error codes, or a 429). */
  failNext: Map<string, { status?: number; retryAfterSeconds?: number; error?: string }[]>;
  calls(method: string): ApiCall[];
  /** Socket Mode: the WebSocket `apps.connections.open` hands out. */
  socket: FakeSocketMode;
  close(): Promise<void>;
}

export interface FakeSocketMode {
  /** Resolves when a client has connected and been sent Slack's `hello`. */
  connected(): Promise<void>;
  /** Sends an envelope (a slash command, an interaction) to the connected client. */
  send(envelope: Record<string, unknown>): void;
  /** What the client sent back (acks), parsed. */
  received: Record<string, any>[];
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let ts = 1_795_000_000;
  let responseIds = 0;
  const socketMode = fakeSocketMode();
  const fake: Omit<FakeSlack, 'apiUrl' | 'responseUrl' | 'close'> = {
    socket: socketMode.api,
    apiCalls: [],
    responses: [],
    admins: new Set(),
    failNext: new Map(),
    calls: (method) => fake.apiCalls.filter((c) => c.method === method),
  };
  const server: Server = createServer(async (request, response) => {
    const raw = await readAll(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/response/')) {
      fake.responses.push({ id: url.pathname.slice('/response/'.length), body: JSON.parse(raw) });
      return send(200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw, request.headers['content-type'] ?? '');
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    fake.apiCalls.push({ method, args, token });
    const failure = fake.failNext.get(method)?.shift();
    if (failure?.status === 429) return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds ?? 30) });
    if (failure) return send(failure.status ?? 200, { ok: false, error: failure.error ?? 'internal_error' });
    switch (method) {
      case 'apps.connections.open':
        return send(200, { ok: true, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket-mode` });
      case 'auth.test':
        return send(200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM', user: 'deepclaw' });
      case 'users.info': {
        const admin = fake.admins.has(String(args.user));
        return send(200, { ok: true, user: { id: args.user, is_admin: admin, is_owner: false, is_primary_owner: false } });
      }
      case 'chat.postMessage':
        return send(200, { ok: true, channel: args.channel, ts: `${++ts}.000100`, message: { text: args.text } });
      case 'chat.update':
        return send(200, { ok: true, channel: args.channel, ts: args.ts });
      default:
        return send(200, { ok: false, error: 'unknown_method' });
    }
  });
  server.on('upgrade', socketMode.upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...fake,
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/response/${++responseIds}`,
    close: () => {
      socketMode.closeAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  } as FakeSlack;
}

function parseArgs(raw: string, contentType: string): Record<string, any> {
  const args: Record<string, any> = contentType.includes('application/json') ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'attachments']) if (typeof args[key] === 'string') args[key] = JSON.parse(args[key]);
  return args;
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Just enough of a WebSocket server (RFC 6455: the handshake, unfragmented text frames, ping/pong,
 * close) to stand in for Slack's Socket Mode endpoint.
 */
function fakeSocketMode() {
  const sockets = new Set<Socket>();
  let current: Socket | undefined;
  let markConnected!: () => void;
  let connected = new Promise<void>((resolve) => (markConnected = resolve));
  const received: Record<string, any>[] = [];
  const frame = (opcode: number, payload: Buffer) => {
    const length = payload.length;
    const head = length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
    return Buffer.concat([head, payload]);
  };
  const upgrade = (request: IncomingMessage, socket: Socket) => {
    const key = String(request.headers['sec-websocket-key']);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    current = socket;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
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
        if (opcode === 0x1) received.push(JSON.parse(payload.toString('utf8')));
        else if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) socket.end(frame(0x8, Buffer.alloc(0)));
      }
    });
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0DEEPCLAW' } }))));
    markConnected();
  };
  return {
    upgrade,
    closeAll() {
      for (const socket of sockets) socket.destroy();
      connected = new Promise<void>((resolve) => (markConnected = resolve));
    },
    api: {
      connected: () => connected,
      send(envelope: Record<string, unknown>) {
        if (!current) throw new Error('no Socket Mode client is connected');
        current.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
      },
      received,
    } satisfies FakeSocketMode,
  };
}
