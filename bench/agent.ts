/**
 * `npm run bench -- agent [--size 1024]`: the sync agent on a big OpenClaw state directory.
 *
 * Generates --size MB (default 1024) of realistic transcripts in the JSON era (pi session lines in
 * .jsonl files) and the same volume in the SQLite era (transcript_events rows, a third of the tool
 * results zstd-compressed), all inside the usage window. For each era it measures, each sync in a
 * run of the real agent — bundled as `npm run build:agent` ships it, in a process of its own,
 * sending to a stand-in DeepClaw on loopback; the time is the agent's own (`--verbose`: from
 * reading its state file to the 202), the peak RSS the whole process's:
 *
 *   first sync    no agent state: every byte is read          target >= 150 MB/s
 *   repeat sync   after 1 MB of new transcript data            target <= 200 ms
 *   peak RSS      of the agent process                         target <= 100 MB
 *
 * Baseline, same run, same files: reading them with fs streams and doing nothing else. The ratio
 * is the agent's first-sync throughput over the baseline's (1.0 = as fast as merely reading).
 * Last line: one JSON object.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zstdCompressSync } from 'node:zlib';
import { bundleAgent } from '../agent/bundle.ts';
import { generateSyncToken } from '../bot/tokens/sync-token-format.ts';

const MB = 1024 * 1024;
const { values: flags } = parseArgs({ options: { size: { type: 'string', default: '1024' } } });
const sizeMb = Number(flags.size);
if (!Number.isFinite(sizeMb) || sizeMb < 4) throw new Error('--size is in MB, at least 4');

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'deepclaw-agent-bench-'));
const ingest = await startIngest();

const TARGETS = { firstSyncMBps: 150, repeatSyncMs: 200, peakRssMb: 100 };
const MODELS = [
  ['anthropic', 'claude-opus-4-6'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['openai', 'gpt-5.1'],
  ['google', 'gemini-3-pro'],
] as const;

interface EraResult {
  dataMb: number;
  baselineMBps: number;
  firstSyncMs: number;
  firstSyncMBps: number;
  repeatSyncMs: number;
  peakRssMb: number;
  runs: number;
}

function pick(result: EraResult) {
  return {
    firstSyncMs: Math.round(result.firstSyncMs),
    firstSyncMBps: round(result.firstSyncMBps),
    repeatSyncMs: round(result.repeatSyncMs),
    peakRssMb: round(result.peakRssMb),
    modelCalls: result.runs,
  };
}

async function benchEra(era: 'json' | 'sqlite', gatewayPort: number): Promise<EraResult> {
  const stateDir = join(work, era, 'openclaw');
  const statePath = join(work, era, 'agent-state.json');
  const generator = new TranscriptGenerator(Date.now());
  const started = performance.now();
  const files = era === 'json' ? generateJsonEra(stateDir, generator, sizeMb * MB) : generateSqliteEra(stateDir, generator, sizeMb * MB);
  const dataMb = files.reduce((sum, file) => sum + statSync(file).size, 0) / MB;
  console.log(`\n[${era}] generated ${dataMb.toFixed(0)} MB on disk (${(generator.bytes / MB).toFixed(0)} MB of transcript lines, ${generator.modelCalls} model calls) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const baselineMBps = await baseline(files);
  console.log(`[${era}] baseline: fs streams read the same files at ${baselineMBps.toFixed(0)} MB/s`);

  const first = await sync(stateDir, statePath, gatewayPort);
  const firstSyncMBps = dataMb / (first.syncMs / 1000);
  console.log(`[${era}] first sync: ${first.syncMs.toFixed(0)} ms, ${firstSyncMBps.toFixed(0)} MB/s, peak RSS ${first.peakRssMb.toFixed(1)} MB, ${first.runs} model calls`);
  if (first.runs !== generator.modelCalls) throw new Error(`[${era}] the agent counted ${first.runs} model calls, the generator wrote ${generator.modelCalls}`);

  const before = generator.modelCalls;
  if (era === 'json') appendJson(stateDir, generator, MB);
  else appendSqlite(stateDir, generator, MB);
  const repeat = await sync(stateDir, statePath, gatewayPort);
  console.log(`[${era}] repeat sync after 1 MB more: ${repeat.syncMs.toFixed(1)} ms, peak RSS ${repeat.peakRssMb.toFixed(1)} MB, ${repeat.runs - first.runs} new model calls`);
  if (repeat.runs - first.runs !== generator.modelCalls - before) throw new Error(`[${era}] the repeat sync counted ${repeat.runs - first.runs} new calls, ${generator.modelCalls - before} were written`);

  rmSync(join(work, era), { recursive: true, force: true });
  return { dataMb, baselineMBps, firstSyncMs: first.syncMs, firstSyncMBps, repeatSyncMs: repeat.syncMs, peakRssMb: Math.max(first.peakRssMb, repeat.peakRssMb), runs: repeat.runs };
}

interface SyncResult {
  /** The agent's own measure: from reading its state to the server's 202. */
  syncMs: number;
  peakRssMb: number;
  /** Model calls in the snapshot the fake DeepClaw received. */
  runs: number;
}

/** The agent as it ships: bundled to one .mjs and run as a process, sending to a loopback DeepClaw. */
let agentBundle: string | undefined;

async function sync(stateDir: string, statePath: string, gatewayPort: number): Promise<SyncResult> {
  agentBundle ??= (await bundleAgent(join(work, 'deepclaw-agent.mjs'))).path;
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'bench', 'support', 'report-peak-rss.mjs'), agentBundle, '--verbose', '--openclaw-dir', stateDir, '--state-file', statePath],
    {
      env: { PATH: '', HOME: work, DEEPCLAW_API_URL: ingest.url, DEEPCLAW_SYNC_TOKEN: ingest.token, OPENCLAW_GATEWAY_PORT: String(gatewayPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const syncMs = /in (\d+) ms/.exec(stdout)?.[1];
  const peak = /peak-rss-kb (\d+)/.exec(stderr)?.[1];
  if (code !== 0 || !syncMs || !peak) throw new Error(`the agent exited ${code}:\n${stdout}${stderr}`);
  const snapshot = JSON.parse(ingest.lastBody) as { usage: { runs: number }[] };
  return { syncMs: Number(syncMs), peakRssMb: Number(peak) / 1024, runs: snapshot.usage.reduce((sum, bucket) => sum + bucket.runs, 0) };
}

/** A stand-in DeepClaw on loopback: accepts every snapshot and keeps the last one. */
function startIngest(): Promise<{ url: string; token: string; lastBody: string; close(): void }> {
  const state = { url: '', token: generateSyncToken(), lastBody: '', close: () => server.close() };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.lastBody = Buffer.concat(chunks).toString('utf8');
      const now = new Date();
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted: true, nextSyncBefore: new Date(now.getTime() + 600_000).toISOString(), serverTime: now.toISOString() }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(state);
    }),
  );
}

async function baseline(files: string[]): Promise<number> {
  let bytes = 0;
  const started = performance.now();
  for (const file of files) {
    for await (const chunk of createReadStream(file, { highWaterMark: MB })) bytes += (chunk as Buffer).length;
  }
  return bytes / MB / ((performance.now() - started) / 1000);
}

/**
 * Realistic pi session lines: per turn a user prompt, an assistant tool call, a tool result of a
 * few KB (the bulk of real transcripts) and a final assistant reply — all stamped inside the last
 * 40 hours, so every model call counts.
 */
class TranscriptGenerator {
  bytes = 0;
  modelCalls = 0;
  private counter = 0;
  private readonly startMs: number;
  private readonly spanMs = 40 * 3_600_000;
  private readonly prose: string[];

  constructor(nowMs: number) {
    this.startMs = nowMs - this.spanMs - 60_000;
    // Tool output: varied text, escaped once.
    this.prose = Array.from({ length: 32 }, () => JSON.stringify(randomBytes(2400).toString('base64').replace(/(.{60})/g, '$1\n')).slice(1, -1));
  }

  /** One turn's lines, stamped at `fraction` (0..1) through the 40 hours. */
  turn(fraction: number): { line: string; at: number; assistant: boolean; large: boolean }[] {
    const at = this.startMs + Math.floor(fraction * this.spanMs);
    const [provider, model] = MODELS[this.counter % MODELS.length]!;
    const text = this.prose[this.counter % this.prose.length]!;
    const lines = [
      this.entry(at, { role: 'user', content: [{ type: 'text', text: `Please look into build ${this.counter} and summarise what failed. ${text.slice(0, 240)}` }], timestamp: at }),
      this.entry(at + 1000, {
        role: 'assistant',
        content: [{ type: 'toolCall', id: `call_${this.counter}`, name: 'exec', arguments: { command: `grep -rn "error" build-${this.counter}.log | tail -n 80` } }],
        api: 'openai-completions',
        provider,
        model,
        usage: usage(this.counter, 1),
        stopReason: 'toolUse',
        timestamp: at + 1000,
      }),
      this.entry(at + 2000, { role: 'toolResult', toolCallId: `call_${this.counter}`, toolName: 'exec', content: [{ type: 'text', text: `${text}${text.slice(0, 600)}` }], isError: false, timestamp: at + 2000 }, true),
      this.entry(at + 3000, {
        role: 'assistant',
        content: [{ type: 'text', text: `The build failed in step ${this.counter % 17}: ${text.slice(300, 700)}` }],
        api: 'openai-completions',
        provider,
        model,
        usage: usage(this.counter, 2),
        stopReason: this.counter % 50 === 0 ? 'error' : 'stop',
        timestamp: at + 3000,
      }),
    ];
    this.counter += 1;
    this.modelCalls += 2;
    return lines;
  }

  private entry(at: number, message: Record<string, unknown>, large = false) {
    const id = (this.counter * 4 + (large ? 2 : 0) + Number(message.role === 'assistant')).toString(16).padStart(8, '0');
    const line = `{"type":"message","id":"${id}-${this.counter}-${at}","parentId":null,"timestamp":"${new Date(at).toISOString()}","message":${JSON.stringify(message)}}`;
    this.bytes += line.length + 1;
    return { line, at, assistant: message.role === 'assistant', large };
  }
}

function usage(counter: number, step: number) {
  const input = 2000 + ((counter * 37 + step) % 9000);
  const output = 50 + ((counter * 13 + step) % 900);
  return { input, output, cacheRead: input * 4, cacheWrite: 120, totalTokens: input * 5 + output + 120, cost: { total: Number(((input * 3 + output * 15) / 1e6).toFixed(6)) } };
}

function generateJsonEra(stateDir: string, generator: TranscriptGenerator, targetBytes: number): string[] {
  const sessionsDir = join(stateDir, 'agents', 'main', 'sessions');
  mkdirSync(sessionsDir, { recursive: true });
  writeFileSync(join(stateDir, 'openclaw.json'), '{ gateway: { bind: "loopback", auth: { mode: "token", token: "bench" } } }\n');
  const sessionCount = Math.max(8, Math.round(targetBytes / (8 * MB)));
  const perSession = targetBytes / sessionCount;
  const sessions: Record<string, unknown> = {};
  const files: string[] = [];
  let written = 0;
  for (let session = 0; session < sessionCount; session += 1) {
    const id = `bench-session-${String(session).padStart(5, '0')}`;
    const file = join(sessionsDir, `${id}.jsonl`);
    const fd = openSync(file, 'w');
    let chunk = `{"type":"session","version":3,"id":"${id}","timestamp":"${new Date().toISOString()}","cwd":"/srv/openclaw/workspace"}\n`;
    let fileBytes = 0;
    while (fileBytes < perSession) {
      for (const { line } of generator.turn((written + fileBytes) / targetBytes)) chunk += `${line}\n`;
      if (chunk.length > 4 * MB) {
        fileBytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    fileBytes += writeSync(fd, chunk);
    closeSync(fd);
    written += fileBytes;
    files.push(file);
    sessions[`agent:main:explicit:${id}`] = { sessionId: id, updatedAt: Date.now() - (sessionCount - session) * 1000, status: 'done' };
  }
  writeFileSync(join(sessionsDir, 'sessions.json'), JSON.stringify(sessions, null, 2));
  return files;
}

function appendJson(stateDir: string, generator: TranscriptGenerator, bytes: number): void {
  const sessionsDir = join(stateDir, 'agents', 'main', 'sessions');
  const files = readdirSync(sessionsDir).filter((name) => name.endsWith('.jsonl')).sort();
  // Half to the newest session, half to a brand-new one.
  let toOld = '';
  let toNew = '';
  while (toOld.length < bytes / 2) for (const { line } of generator.turn(0.999)) toOld += `${line}\n`;
  while (toNew.length < bytes / 2) for (const { line } of generator.turn(0.999)) toNew += `${line}\n`;
  const fd = openSync(join(sessionsDir, files.at(-1)!), 'a');
  writeSync(fd, toOld);
  closeSync(fd);
  writeFileSync(join(sessionsDir, 'bench-session-new.jsonl'), toNew);
}


const AGENT_SCHEMA = `
  CREATE TABLE session_nodes (session_key TEXT NOT NULL PRIMARY KEY, current_session_id TEXT NOT NULL, entry_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL, status TEXT) STRICT;
  CREATE TABLE session_windows (session_id TEXT NOT NULL PRIMARY KEY, session_key TEXT NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL, status TEXT, channel TEXT, model_provider TEXT, model TEXT) STRICT;
  CREATE TABLE transcript_events (session_id TEXT NOT NULL, seq INTEGER NOT NULL, event_json TEXT, created_at INTEGER NOT NULL,
    event_zstd BLOB, event_utf8_bytes INTEGER, navigation_json TEXT, PRIMARY KEY (session_id, seq)) STRICT;
`;

function generateSqliteEra(stateDir: string, generator: TranscriptGenerator, targetBytes: number): string[] {
  const dbPath = join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite');
  mkdirSync(join(stateDir, 'agents', 'main', 'agent'), { recursive: true });
  writeFileSync(join(stateDir, 'openclaw.json'), '{ gateway: { bind: "loopback", auth: { mode: "token", token: "bench" } } }\n');
  const db = new DatabaseSync(dbPath);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(AGENT_SCHEMA);
  const sessionCount = Math.max(8, Math.round(targetBytes / (8 * MB)));
  const perSession = targetBytes / sessionCount;
  let written = 0;
  for (let session = 0; session < sessionCount; session += 1) {
    const id = `bench-session-${String(session).padStart(5, '0')}`;
    db.prepare('INSERT INTO session_nodes VALUES (?, ?, ?, ?, ?)').run(`agent:main:explicit:${id}`, id, '{}', Date.now(), 'done');
    db.prepare('INSERT INTO session_windows VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(id, `agent:main:explicit:${id}`, Date.now(), Date.now(), 'done', null, 'anthropic', 'claude');
    const start = generator.bytes;
    insertTurns(db, id, 0, generator, perSession, () => (written + generator.bytes - start) / targetBytes);
    written += generator.bytes - start;
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return [dbPath];
}

function insertTurns(db: InstanceType<typeof DatabaseSync>, sessionId: string, firstSeq: number, generator: TranscriptGenerator, bytes: number, fraction: () => number): void {
  const insert = db.prepare('INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const navigation = '{"version":1,"report":{"kind":"canonical"},"navigation":{},"reset":{},"model":{},"modelBytes":0,"modelWithoutCheckpointBytes":0,"withoutCustomDataBytes":0}';
  let seq = firstSeq;
  const start = generator.bytes;
  db.exec('BEGIN');
  while (generator.bytes - start < bytes) {
    for (const { line, at, large } of generator.turn(fraction())) {
      // A third of the tool results are stored compressed, as OpenClaw does for large rows.
      if (large && seq % 3 === 0) insert.run(sessionId, seq, null, at, zstdCompressSync(Buffer.from(line)), Buffer.byteLength(line), navigation);
      else insert.run(sessionId, seq, line, at, null, Buffer.byteLength(line), null);
      seq += 1;
    }
  }
  db.exec('COMMIT');
}

function appendSqlite(stateDir: string, generator: TranscriptGenerator, bytes: number): void {
  const db = new DatabaseSync(join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'));
  insertTurns(db, 'bench-session-new', 0, generator, bytes, () => 0.999);
  db.close();
}

function closedPort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

function round(value: number): number {
  return Number(value.toFixed(1));
}

async function main(): Promise<void> {
  try {
    const gatewayPort = await closedPort();
    console.log(`agent bench: ${sizeMb} MB of transcripts per era in ${work}`);

    const json = await benchEra('json', gatewayPort);
    const sqlite = await benchEra('sqlite', gatewayPort);

    const ratio = Math.min(json.firstSyncMBps / json.baselineMBps, sqlite.firstSyncMBps / sqlite.baselineMBps);
    console.log(
      JSON.stringify({
        bench: 'agent',
        sizeMb,
        json: pick(json),
        sqlite: pick(sqlite),
        targets: TARGETS,
        met: [json, sqlite].every((era) => era.firstSyncMBps >= TARGETS.firstSyncMBps && era.repeatSyncMs <= TARGETS.repeatSyncMs && era.peakRssMb <= TARGETS.peakRssMb),
        baselineMBps: { json: round(json.baselineMBps), sqlite: round(sqlite.baselineMBps) },
        ratio: Number(ratio.toFixed(3)),
      }),
    );
  } finally {
    ingest.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
