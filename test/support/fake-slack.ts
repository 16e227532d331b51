/**
 * A stand-in for Slack on loopback: the Web API methods DeepClaw calls (`SLACK_API_URL` points
 * here) and `response_url` endpoints, each recording what it was sent. Only the wire is faked;
 * the real Bolt SDK and Web API client talk to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let ts = 1_795_000_000;
  let responseIds = 0;
  const fake: Omit<FakeSlack, 'apiUrl' | 'responseUrl' | 'close'> = {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...fake,
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/response/${++responseIds}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
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
