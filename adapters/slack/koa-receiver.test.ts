import Router from '@koa/router';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import { KoaSlackReceiver } from './koa-receiver.ts';

describe('the Slack receiver over real HTTP', () => {
  const logs: { level: string; msg: string; reason?: string }[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logs.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    });
    const receiver = new KoaSlackReceiver({ signingSecret: 's'.repeat(32), logger, clock: () => new Date(), isFirstSighting: async () => true });
    const router = new Router();
    router.post('/slack/events', receiver.middleware());
    const app = new Koa();
    // Koa prints the HTTP parser's own complaint about the cut-off request; ours is in `logs`.
    app.silent = true;
    server = createServer(app.use(router.routes()).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("counts a request the client cut off before its body arrived as the client's abort, never as an error of ours", async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    // Headers promising 5000 bytes, 19 of them, then the client hangs up.
    socket.end('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\ncommand=%2Fdeepclaw');
    try {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !logs.some((line) => line.reason === 'client_aborted')) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      socket.destroy();
    }
    expect(logs).toEqual([expect.objectContaining({ level: 'info', reason: 'client_aborted', msg: 'a Slack request was cut off by the client before its body arrived' })]);
  });
});
