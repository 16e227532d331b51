/**
 * Runs a Koa app on a port and stops it gracefully: stop accepting, let in-flight requests finish,
 * and cut whatever is still open when the deadline passes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface HttpServer {
  /** The bound port (useful when asked for port 0). */
  port: number;
  /** Resolves once every connection is closed; force-closes after `deadlineMs`. */
  close(deadlineMs: number): Promise<void>;
}

export async function startHttpServer(app: Koa<any>, options: { port: number; host: string }): Promise<HttpServer> {
  const server: Server = createServer(app.callback());
  // Slow or stalled clients cannot hold a request open forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close(deadlineMs) {
      return new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // Keep-alive sockets with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      });
    },
  };
}
