/**
 * The embedded Postgres: PGlite (real Postgres compiled to WebAssembly) persisted under the data
 * dir and served on a loopback ephemeral port by our session server, on a thread of its own
 * (`embedded-database-thread.ts`), so the very same `pg`-based MikroORM driver talks to it as to
 * any server and WebAssembly Postgres does not share a core with HTTP and JSON.
 *
 * PGlite is single-process: two processes writing one data dir would corrupt it. A lock file
 * (`embedded.json`, created with O_EXCL) guards the dir and also tells the admin CLI where the
 * running service serves the database, so the CLI can use it instead of failing on the lock.
 */
import { once } from 'node:events';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DeepClawError } from '../errors.ts';
import type { EmbeddedDatabaseThreadData, EmbeddedDatabaseThreadMessage } from './embedded-database-thread.ts';

const LOCK_FILE = 'embedded.json';
const HOST = '127.0.0.1';

interface LockContents {
  pid: number;
  port: number | null;
  startedAt: string;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Closes the socket, checkpoints and closes PGlite, releases the lock. */
  stop(): Promise<void>;
}

/** Another live process holds the data dir. */
export class DataDirInUseError extends DeepClawError {
  constructor(dataDir: string, pid: number) {
    super(
      'data_dir_in_use',
      `the embedded database in ${dataDir} is in use by another DeepClaw process (pid ${pid}); ` +
        'stop it first, or give this one its own DEEPCLAW_DATA_DIR',
      { dataDir, pid },
    );
  }
}

/**
 * Starts the embedded database. `dataDir` undefined means in memory (tests): nothing is persisted
 * and no lock is taken.
 */
export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  maxConnections: number;
  /** The module the database thread runs; only tests give another (one that dies on purpose). */
  threadModule?: URL;
}): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  let release = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    release = await acquireLock(dataDir);
  }
  try {
    const thread = await startDatabaseThread({ dataDir, host: HOST, maxConnections: options.maxConnections }, options.threadModule ?? DATABASE_THREAD);
    if (dataDir) await writeLock(dataDir, { pid: process.pid, port: thread.port, startedAt: new Date().toISOString() });
    return {
      url: `postgres://postgres@${HOST}:${thread.port}/postgres`,
      async stop() {
        await thread.stop();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The database thread died while serving: nothing can be stored any more. */
export class EmbeddedDatabaseCrashedError extends DeepClawError {
  constructor(cause: unknown) {
    super('embedded_database_crashed', `the embedded database stopped unexpectedly: ${cause instanceof Error ? cause.message : String(cause)}`, {});
  }
}

const DATABASE_THREAD = new URL('./embedded-database-thread.ts', import.meta.url);

async function startDatabaseThread(data: EmbeddedDatabaseThreadData, module: URL): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(module, { workerData: data });
  let stopping = false;
  // Until it answers with its port, a failure is start-up's to throw; after, the service cannot
  // go on without its database, and dying loudly beats answering 503 forever.
  const started = new Promise<number>((resolve, reject) => {
    worker.once('message', (message: EmbeddedDatabaseThreadMessage) => {
      if (typeof message === 'object') resolve(message.port);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded database thread exited with code ${code} before serving`)));
  });
  const port = await started;
  worker.removeAllListeners();
  const crash = (cause: unknown) => {
    if (stopping) return;
    process.nextTick(() => {
      throw new EmbeddedDatabaseCrashedError(cause);
    });
  };
  worker.on('error', crash);
  worker.on('exit', (code) => crash(new Error(`its thread exited with code ${code}`)));
  return {
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** The URL of the database a live service serves from `dataDir`, if one does. */
export async function findRunningEmbeddedPostgres(dataDir: string): Promise<string | undefined> {
  const lock = await readLock(dataDir);
  if (!lock || lock.port === null || !isAlive(lock.pid) || !(await answers(lock.port))) return undefined;
  return `postgres://postgres@${HOST}:${lock.port}/postgres`;
}

async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const contents: LockContents = { pid: process.pid, port: null, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify(contents), { flag: 'wx', mode: 0o600 });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(dataDir);
      if (holder && (await isHeld(holder))) throw new DataDirInUseError(dataDir, holder.pid);
      // The holder died without cleaning up (kill -9, power loss): the lock is stale.
      await rm(path, { force: true });
    }
  }
  throw new DeepClawError('data_dir_lock_failed', `could not lock ${path}; remove it if no DeepClaw process is running`);
}

/** A lock is held while its process lives and, once it has a port, that port answers. */
async function isHeld(lock: LockContents): Promise<boolean> {
  if (!isAlive(lock.pid)) return false;
  // A recycled pid could belong to anything; a port that no longer answers gives it away.
  return lock.port === null || (await answers(lock.port));
}

async function writeLock(dataDir: string, contents: LockContents): Promise<void> {
  const path = join(dataDir, LOCK_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(contents), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

async function readLock(dataDir: string): Promise<LockContents | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')) as LockContents;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
