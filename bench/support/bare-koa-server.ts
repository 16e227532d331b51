/**
 * The ingest benchmark's baseline: Koa reading the same request body and answering 202, with no
 * validation and no storage. What the hardware and HTTP stack allow before DeepClaw does anything.
 */
import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const app = new Koa();
app.use(async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
  Buffer.concat(chunks).toString('utf8');
  ctx.status = 202;
  ctx.body = { accepted: true };
});
const server = createServer(app.callback()).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
