import Router from '@koa/router';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { testKeyPair } from '../../test/support/discord-interactions.ts';
import type { InteractionHandler } from './interaction-handler.ts';
import { interactionsEndpoint } from './interactions-endpoint.ts';
import { toPublicKey } from './verify-signature.ts';

describe('the Discord interactions endpoint over real HTTP', () => {
  const keys = testKeyPair();
  const now = new Date('2026-12-02T12:00:00Z');
  const handled: unknown[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const handler: InteractionHandler = {
      async handle(interaction, respond) {
        handled.push(interaction);
        if ((interaction as { type: number }).type === 99) throw new Error('handler bug');
        await respond({ type: 1 });
      },
    };
    const endpoint = interactionsEndpoint({ publicKey: toPublicKey(keys.publicKeyHex), handler, logger: createLogger({ level: 'silent' }), clock: () => now, isFirstSighting: async () => true });
    const router = new Router();
    router.post('/discord/interactions', endpoint.middleware);
    const app = new Koa();
    app.silent = true;
    server = createServer(app.use(router.routes()).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string, headers: Record<string, string> = {}) => {
    const timestamp = String(now.getTime() / 1000);
    return fetch(`${base}/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature-ed25519': keys.sign(timestamp, body), ...headers },
      body,
    });
  };

  it('refuses a correctly signed body that is not JSON with 400, before any handler sees it', async () => {
    const before = handled.length;
    const response = await post('{"type":');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'malformed_body', message: 'the Discord request body is not JSON' });
    expect(handled.length).toBe(before);
  });

  it('refuses a body over 1 MiB with 413 without reading it all', async () => {
    const response = await post(`{"type":1,"pad":"${'x'.repeat(1024 * 1024)}"}`);
    expect(response.status).toBe(413);
  });

  it('answers 500 with a stable code when the handler fails before answering', async () => {
    const response = await post('{"type":99}');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'no_response' });
  });
});
