/**
 * `npm run bench -- ingest [--duration 20] [--connections 50] [--instances 10000] [--embedded]`
 *
 * Durable snapshot throughput of POST /v1/snapshots on the real local Postgres: `npm run web`
 * (separate Node processes, as in production) on a scratch database, loaded by autocannon with
 * realistic snapshots from many distinct instances; each request is the instance's next sync
 * (new snapshotId, seq + 1, the current hour's usage grown). Before that, in the same run, a bare
 * Koa handler that reads the same bodies and answers 202 gives the baseline.
 *
 * Two ingest phases: every instance's first sync (its whole usage window and cron list are new
 * rows), reported as `firstSyncPerSec`; then `--duration` seconds of the syncs that follow, as a
 * fleet in service sends them — the headline figures.
 *
 * `--embedded` measures the default install instead: one `node bot/main.ts` (web and worker, as
 * `npm start` runs it) on the embedded database (PGlite) in a scratch data dir.
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres); the
 * benchmark creates and drops its own database there. Last line: one JSON object.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createScratchDatabase } from './support/scratch-database.ts';
import { generateSyncToken, hashSyncToken, visibleIdOf } from '../bot/tokens/sync-token-format.ts';
import { buildSnapshot, MODELS } from '../test/support/snapshot-factory.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    instances: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '2' },
    embedded: { type: 'boolean', default: false },
  },
});
const durationSeconds = Number(flags.duration);
const connections = Number(flags.connections);
const instanceCount = Number(flags.instances);
const embedded = flags.embedded;
const scratch = embedded ? undefined : await createScratchDatabase('deepclaw_bench');
const dataDir = embedded ? mkdtempSync(join(tmpdir(), 'deepclaw-bench-')) : undefined;
let databaseUrl = scratch?.url ?? '';
let server: ChildProcess | undefined;
let service: (ChildProcess & { port?: number }) | undefined;
try {
  if (dataDir) {
    // The service migrates and then serves its embedded database; the fleet is inserted through it.
    service = await startNode(['--max-semi-space-size=64', 'bot/main.ts'], {
      DATABASE_URL: undefined,
      DEEPCLAW_DATA_DIR: dataDir,
      DATABASE_POOL_SIZE: '8',
      DEEPCLAW_RATE_LIMIT_BURST: '10000',
      LOG_LEVEL: 'warn',
    });
    const { port } = JSON.parse(readFileSync(join(dataDir, 'embedded.json'), 'utf8')) as { port: number };
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }
  const bodies = await prepareFleet();
  console.log(`fleet: ${instanceCount} instances, snapshot body ~${(bodies.sampleBytes / 1024).toFixed(1)} KiB, ${connections} connections, ${durationSeconds} s per phase`);

  server = await startNode(['bench/support/bare-koa-server.ts'], {});
  const baseline = await load(server, bodies);
  await stop(server);
  console.log(`baseline (bare Koa, read body, 202): ${baseline.perSec.toFixed(0)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, non-2xx ${baseline.errors}`);

  // The same command line as `npm run web` (package.json), so the benchmark measures what deploys run.
  server =
    service ??
    (await startNode(['--max-semi-space-size=64', 'bot/main.ts', '--role', 'web'], {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '8',
      DEEPCLAW_WEB_PROCESSES: flags.processes,
      // The limiter is per-token arithmetic; the benchmark measures storage, not the limiter's 429s.
      DEEPCLAW_RATE_LIMIT_BURST: '10000',
      LOG_LEVEL: 'warn',
    }));
  service = undefined;
  const seqs = new Uint32Array(bodies.tokens.length);
  const firstSync = await load(server, bodies, seqs, { amount: instanceCount });
  console.log(`first sync of every instance: ${firstSync.perSec.toFixed(0)} snapshots/s, p99 ${firstSync.p99} ms, non-2xx ${firstSync.errors}`);
  const ingest = await load(server, bodies, seqs);
  // The embedded database is served by the service itself: count before stopping it.
  let stored = embedded ? await countStored() : 0;
  await stop(server);
  server = undefined;
  if (!embedded) stored = await countStored();
  console.log(`${embedded ? 'ingest (embedded database)' : 'ingest'}: ${ingest.perSec.toFixed(0)} snapshots/s, p50 ${ingest.p50} ms, p99 ${ingest.p99} ms, non-2xx ${ingest.errors}, stored ${stored} snapshots`);
  if (stored < ingest.ok + firstSync.ok) console.log(`WARNING: ${ingest.ok + firstSync.ok} answered 202 but only ${stored} rows stored`);

  console.log(
    JSON.stringify({
      bench: embedded ? 'ingest-embedded' : 'ingest',
      snapshotsPerSec: Math.round(ingest.perSec),
      p50Ms: ingest.p50,
      p99Ms: ingest.p99,
      baselinePerSec: Math.round(baseline.perSec),
      ratio: Number((ingest.perSec / baseline.perSec).toFixed(3)),
      errors: ingest.errors + firstSync.errors,
      firstSyncPerSec: Math.round(firstSync.perSec),
    }),
  );
} finally {
  if (server) await stop(server);
  if (service) await stop(service);
  await scratch?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

interface Fleet {
  tokens: string[];
  /** Per instance: the JSON text around the parts that change each sync. */
  templates: { before: string; middle: string; after: string; hourUsage: string[] }[];
  sampleBytes: number;
}

/** Creates the instances and their tokens in bulk, and one body template per instance. */
async function prepareFleet(): Promise<Fleet> {
  if (!embedded) {
    const migrated = await runNode(['bot/cli/main.ts', 'migrate'], { DATABASE_URL: databaseUrl });
    if (migrated !== 0) throw new Error('migrations failed');
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tokens = Array.from({ length: instanceCount }, () => generateSyncToken());
  const ids = tokens.map(() => randomUUID());
  try {
    const { rows } = await client.query<{ id: string }>(`select id from workspace where name = 'default'`);
    await client.query(
      `insert into instance (id, workspace_id, name, interval_seconds, created_at)
       select id, $2, 'bench-' || n, 300, now() from unnest($1::uuid[]) with ordinality as u(id, n)`,
      [ids, rows[0]!.id],
    );
    await client.query(
      `insert into sync_token (id, instance_id, visible_id, token_hash, created_at, created_by)
       select gen_random_uuid(), i, v, h, now(), 'bench' from unnest($1::uuid[], $2::text[], $3::text[]) as u(i, v, h)`,
      [ids, tokens.map(visibleIdOf), tokens.map(hashSyncToken)],
    );
  } finally {
    await client.end();
  }
  const now = new Date();
  const templates = tokens.map(() => {
    // 16 hours x 3 models = 48 hourly usage rows, 10 cron jobs.
    const snapshot = buildSnapshot({ sentAt: now, hours: 16, models: MODELS, cronJobs: 10 });
    // Agents send whole-second timestamps; the factory's milliseconds only pad the body.
    for (const bucket of snapshot.usage) bucket.hour = bucket.hour.replace('.000Z', 'Z');
    const text = JSON.stringify({ ...snapshot, snapshotId: '@ID@', seq: '@SEQ@', usage: '@USAGE@' });
    const [before, rest] = text.split('"@ID@"') as [string, string];
    const [middle, after] = rest.split('"@SEQ@"') as [string, string];
    const hourUsage = snapshot.usage.map((bucket) => JSON.stringify(bucket));
    return { before, middle, after, hourUsage };
  });
  const sampleBytes = bodyFor(templates[0]!, 1).length;
  return { tokens, templates, sampleBytes };
}

/** The instance's `seq`-th sync: new id, next seq, and the newest hour's usage grown by `seq`. */
function bodyFor(template: Fleet['templates'][number], seq: number): string {
  const usage = template.hourUsage.map((bucket, i) =>
    i >= template.hourUsage.length - MODELS.length ? bucket.replace(/"runs":(\d+)/, (_, runs) => `"runs":${Number(runs) + seq}`) : bucket,
  );
  return `${template.before}"${randomUUID()}"${template.middle}${seq}${template.after.replace('"@USAGE@"', `[${usage.join(',')}]`)}`;
}

interface LoadResult {
  perSec: number;
  p50: number;
  p99: number;
  errors: number;
  ok: number;
}

/** Loads the server for `--duration` seconds, or for `amount` requests; `seqs` carries on between phases. */
async function load(
  child: ChildProcess & { port?: number },
  fleet: Fleet,
  seqs = new Uint32Array(fleet.tokens.length),
  limit: { amount?: number } = {},
): Promise<LoadResult> {
  const serverPids = () => [child.pid!, ...childPids(child.pid!)];
  const cpuBefore = { server: cpuSeconds(serverPids()), postgres: cpuSeconds(postgresPids()), bench: process.cpuUsage() };
  const started = performance.now();
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${child.port}`,
    connections,
    ...(limit.amount ? { amount: limit.amount } : { duration: durationSeconds }),
    requests: [
      {
        method: 'POST',
        path: '/v1/snapshots',
        setupRequest(request) {
          const i = next++ % fleet.tokens.length;
          seqs[i] = seqs[i]! + 1;
          return {
            ...request,
            headers: { authorization: `Bearer ${fleet.tokens[i]}`, 'content-type': 'application/json' },
            body: bodyFor(fleet.templates[i]!, seqs[i]!),
          };
        },
      },
    ],
  });
  const ok = result['2xx'];
  const seconds = (performance.now() - started) / 1000;
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  console.log(
    `  cpu over ${seconds.toFixed(1)} s: server ${(cpuSeconds(serverPids()) - cpuBefore.server).toFixed(1)} s, ` +
      `postgres ${(cpuSeconds(postgresPids()) - cpuBefore.postgres).toFixed(1)} s, load generator ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s`,
  );
  return {
    perSec: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    ok,
  };
}

/** utime + stime of the given processes, from /proc (Linux), in seconds. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended; its time is lost to the figure, which is only informative.
    }
  }
  return ticks / 100;
}

/** Processes whose parent is `parent` (the web processes a cluster primary forked). */
function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function countStored(): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from snapshot');
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Starts a server process on a free port and resolves once it answers. */
async function startNode(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess & { port?: number }> {
  const port = await freePort();
  const child: ChildProcess & { port?: number } = spawn(process.execPath, args, {
    cwd: ROOT,
    // An undefined value removes an inherited variable (the embedded run must not see DATABASE_URL).
    env: Object.fromEntries(Object.entries({ ...process.env, PORT: String(port), LOG_LEVEL: 'info', ...env }).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.port = port;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`))));
  for (let attempt = 0; attempt < 300; attempt++) {
    const up = await Promise.race([fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false), exited]);
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${args[0]} did not answer on port ${port} within 30 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
