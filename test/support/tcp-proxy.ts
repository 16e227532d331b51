/**
 * A loopback TCP proxy a test can cut and restore, to make "the database went away" real for any
 * backend: `cut()` drops every connection and refuses new ones; `restore()` listens again on the
 * same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Keeps every connection open but lets nothing through: a database that hangs. */
  stall(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const makeServer = () =>
    createServer((client) => {
      if (stalled) {
        sockets.add(client);
        client.pause();
        return;
      }
      const upstream = connect(target);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const shut = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

  let server = makeServer();
  const port = await listen(server, 0);
  let open = true;
  return {
    port,
    stall() {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    async cut() {
      if (!open) return;
      open = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await shut(server);
    },
    async restore() {
      if (stalled) {
        // Connections that hung are dropped, as a real network failure would leave them.
        stalled = false;
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      }
      if (open) return;
      server = makeServer();
      await listen(server, port);
      open = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (open) await shut(server);
      open = false;
    },
  };
}
