/**
 * The embedded database's own thread: PGlite and the {@link PgliteSessionServer} in front of it.
 *
 * PGlite is Postgres compiled to WebAssembly and runs on the thread that calls it. On the main
 * thread it shared one core with HTTP, JSON and the ORM, and the default install ingested a third
 * of what the same process does against a real server. Here it has a core of its own; the main
 * thread reaches it over loopback TCP exactly as it reaches any Postgres.
 *
 * Messages from the parent: `'stop'`. To the parent: `{ port }` once serving, `'stopped'` once
 * PGlite is closed (its data dir checkpointed). A failure to start is thrown, so the parent sees
 * it as the worker's `error` event.
 */
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PgliteSessionServer } from './pglite-session-server.ts';

export interface EmbeddedDatabaseThreadData {
  /** Undefined: in memory. */
  dataDir: string | undefined;
  host: string;
  maxConnections: number;
}

export type EmbeddedDatabaseThreadMessage = { port: number } | 'stopped';

const { dataDir, host, maxConnections } = workerData as EmbeddedDatabaseThreadData;
const db = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : 'memory://');
const server = new PgliteSessionServer({ db, host, port: 0, maxConnections });
const port = await server.start();

parentPort!.on('message', async (message: unknown) => {
  if (message !== 'stop') return;
  await server.stop();
  await db.close();
  parentPort!.postMessage('stopped' satisfies EmbeddedDatabaseThreadMessage);
  parentPort!.close();
});
parentPort!.postMessage({ port } satisfies EmbeddedDatabaseThreadMessage);
