/**
 * The edges real gateways produce: an empty state dir, a transcript line caught mid-write, corrupt
 * JSON, files that went missing, reset and deleted archives, fields from a future release, a
 * layout the agent does not know, a database locked by the gateway. Each must give a valid
 * snapshot and a clear report — never a crash, never a double count, never a leak.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../ingest/contract.ts';
import { AgentError } from '../../agent/agent-error.ts';
import { EXIT } from '../../agent/exit-codes.ts';
import { usageWindowStart } from '../../agent/usage-ledger.ts';
import { collect } from './support/agent-harness.ts';
import { expectedUsage } from './support/expected-figures.ts';
import { copyDirectory, copyFixtureState, FIXTURE_NOW, REPO_ROOT, tempDir } from './support/openclaw-fixtures.ts';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
const STATE_DIRS = join(REPO_ROOT, 'test', 'agent', 'state-dirs');
const WINDOW_START = usageWindowStart(FIXTURE_NOW);

function edgeDir(name: string): string {
  return copyDirectory(join(STATE_DIRS, name));
}

function parse(body: string) {
  return snapshotSchema.parse(JSON.parse(body));
}

describe('an empty state directory', () => {
  it('gives a valid, empty snapshot and says the directory holds no OpenClaw state', async () => {
    const collected = await collect(edgeDir('empty'));
    const snapshot = parse(collected.body);
    expect(snapshot.gateway).toMatchObject({ storage: 'json', live: false, failing: ['openclaw-state-empty'] });
    expect(snapshot.sessions).toEqual({ total: 0, active24h: 0, running: 0, failed24h: 0 });
    expect(snapshot.usage).toEqual([]);
    expect(snapshot.cron).toEqual([]);
    expect(collected.warnings.join('\n')).toContain('no OpenClaw state in');
  });

  it('stops with exit code 9 when the directory does not exist at all', async () => {
    const missing = join(tempDir(), 'no-such-openclaw');
    const error = await collect(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).exitCode).toBe(EXIT.localState);
    expect((error as AgentError).message).toContain(`OpenClaw state directory not found: ${missing}`);
  });
});

describe('a transcript whose last line is half-written', () => {
  it('counts only complete lines, then the finished line exactly once', async () => {
    const dir = edgeDir('half-written-line');
    const first = await collect(dir);
    expect(parse(first.body).usage).toEqual([expect.objectContaining({ model: 'acme/model-a', runs: 1, inputTokens: 100, outputTokens: 10 })]);

    // The gateway finishes writing the line.
    appendFileSync(join(dir, 'agents', 'main', 'sessions', 'half-1.jsonl'), readFileSync(join(dir, 'rest-of-last-line.txt')));
    const second = await collect(dir, { state: first.state });
    expect(parse(second.body).usage).toEqual([expect.objectContaining({ model: 'acme/model-a', runs: 2, inputTokens: 400, outputTokens: 40 })]);
    expect(second.stats.corruptEntries).toBe(0);

    const third = await collect(dir, { state: second.state });
    expect(parse(third.body).usage).toEqual(parse(second.body).usage);
    expect(third.stats.transcriptBytesRead).toBe(0);
  });
});

describe('corrupt JSON', () => {
  it('skips the corrupt files and lines, reports them, and counts the rest', async () => {
    const collected = await collect(edgeDir('corrupt-json'));
    const snapshot = parse(collected.body);
    expect(snapshot.gateway.failing).toContain('openclaw-state-unreadable');
    expect(snapshot.usage).toEqual([expect.objectContaining({ model: 'acme/model-a', runs: 2, inputTokens: 300, outputTokens: 30 })]);
    expect(collected.stats.corruptEntries).toBe(2);
    expect(snapshot.sessions.total).toBe(0);
    expect(snapshot.cron).toEqual([]);
    const warnings = collected.warnings.join('\n');
    expect(warnings).toMatch(/sessions\.json: is not valid JSON/);
    expect(warnings).toMatch(/jobs\.json: is not valid JSON/);
    expect(warnings).toContain('skipped 2 unreadable transcript entries');
  });
});

describe('missing files', () => {
  it('counts sessions without transcripts, and takes a job’s last run from its run log when its state is missing', async () => {
    const snapshot = parse((await collect(edgeDir('missing-files'))).body);
    expect(snapshot.gateway.failing).toBeUndefined();
    expect(snapshot.sessions).toMatchObject({ total: 2, failed24h: 1 });
    expect(snapshot.usage).toEqual([]);
    expect(snapshot.cron).toEqual([
      {
        id: 'm1',
        name: 'only-in-runs',
        enabled: true,
        schedule: { kind: 'every', everyMs: 600_000 },
        consecutiveErrors: 0,
        lastRunAt: new Date(1795291595000).toISOString(),
        lastStatus: 'error',
        lastDurationMs: 5000,
      },
      { id: 'm2', name: 'never-ran', enabled: false, schedule: { kind: 'at' }, consecutiveErrors: 0 },
    ]);
  });
});

describe('reset and deleted transcript archives', () => {
  it('counts archived spend, each entry once, and ignores backups and trajectories', async () => {
    const dir = edgeDir('reset-archive');
    const snapshot = parse((await collect(dir)).body);
    const expected = expectedUsage(dir, WINDOW_START);
    expect(snapshot.usage.map(({ costUsd, ...rest }) => rest)).toEqual(expected.map(({ costUsd, ...rest }) => rest));
    expect(snapshot.usage).toEqual([
      expect.objectContaining({ hour: '2026-11-21T19:00:00.000Z', model: 'acme/model-a', runs: 1, inputTokens: 7 }),
      // r0000002 is in the reset archive and, copied by a fork, in the deleted one: counted once.
      expect.objectContaining({ hour: '2026-11-21T20:00:00.000Z', model: 'acme/model-a', runs: 3, inputTokens: 3000, errors: 1, missingCost: 0 }),
      expect.objectContaining({ hour: '2026-11-21T20:00:00.000Z', model: 'acme/model-b', runs: 1, inputTokens: 50, missingCost: 1, costUsd: 0 }),
    ]);
    expect(snapshot.usage[1]!.costUsd).toBeCloseTo(0.03, 10);
  });
});

describe('fields from a future OpenClaw', () => {
  it('ignores unknown fields and never lets their values out', async () => {
    const collected = await collect(edgeDir('unknown-fields'));
    const snapshot = parse(collected.body);
    expect(snapshot.usage).toEqual([expect.objectContaining({ model: 'acme/model-a', runs: 1, inputTokens: 100 })]);
    expect(snapshot.sessions).toEqual({ total: 1, active24h: 1, running: 0, failed24h: 0, byChannel: { telegram: 1 } });
    expect(snapshot.security).toMatchObject({ bind: 'loopback', authMode: 'token', tailscaleMode: 'serve' });
    expect(snapshot.cron).toEqual([
      {
        id: 'u-job',
        name: 'future job',
        enabled: true,
        schedule: { kind: 'cron', expr: '0 * * * *', tz: 'Europe/Berlin' },
        consecutiveErrors: 2,
        lastRunAt: new Date(1795291000000).toISOString(),
        lastStatus: 'error',
        // OpenClaw's reason was free text: it is replaced, not forwarded.
        lastErrorReason: 'other',
      },
      { id: 'u-job-2', name: 'new kind', enabled: true, schedule: { kind: 'other' }, consecutiveErrors: 0 },
    ]);
    expect(collected.body).not.toMatch(/EDGE[- ]SECRET/i);
    expect(collected.body).not.toMatch(/EDGE[- ]secret/);
  });
});

describe('an OpenClaw layout the agent does not know', () => {
  it('reports unsupported JSON shapes in the snapshot and the output, and still sends', async () => {
    const collected = await collect(edgeDir('unsupported-layout'));
    const snapshot = parse(collected.body);
    expect(snapshot.gateway.failing).toEqual(['unsupported-openclaw-layout']);
    expect(collected.warnings.join('\n')).toContain('unsupported OpenClaw layout');
    expect(snapshot.cron).toEqual([]);
  });

  it('reports a database without the tables it needs', async () => {
    const dir = join(tempDir(), 'state');
    mkdirSync(join(dir, 'agents', 'main', 'agent'), { recursive: true });
    const db = new DatabaseSync(join(dir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'));
    db.exec('CREATE TABLE transcript_log_v9 (id INTEGER PRIMARY KEY, blob BLOB); CREATE TABLE schema_meta (meta_key TEXT, schema_version INTEGER)');
    db.close();
    const collected = await collect(dir);
    const snapshot = parse(collected.body);
    expect(snapshot.gateway.storage).toBe('sqlite');
    expect(snapshot.gateway.failing).toEqual(['unsupported-openclaw-layout']);
    expect(collected.warnings.join('\n')).toMatch(/unsupported OpenClaw layout: .*openclaw-agent\.sqlite has no transcript_events/);
  });
});

describe('a database locked by the gateway', () => {
  /** The fixture's databases in rollback-journal mode, so a writer's exclusive lock blocks readers. */
  function lockable(stateDir: string, ...paths: string[][]) {
    const writers = paths.map((path) => {
      const db = new DatabaseSync(join(stateDir, ...path));
      db.exec('PRAGMA journal_mode = DELETE');
      return db;
    });
    return {
      lock: () => writers.forEach((db) => db.exec('BEGIN EXCLUSIVE')),
      unlock: () => writers.forEach((db) => db.exec('COMMIT')),
      close: () => writers.forEach((db) => db.close()),
    };
  }

  it('retries briefly, reports it, keeps the last cron list, and catches up once it is free — never writing to it', async () => {
    const dir = copyFixtureState('2026.9.6');
    const databases = lockable(dir, ['agents', 'main', 'agent', 'openclaw-agent.sqlite'], ['state', 'openclaw.sqlite']);
    try {
      const before = await collect(dir);
      const full = parse(before.body);

      databases.lock();
      const started = Date.now();
      const locked = await collect(dir, { state: before.state, busyTimeoutMs: 50 });
      expect(Date.now() - started).toBeLessThan(5000);
      const duringLock = parse(locked.body);
      expect(duringLock.gateway.failing).toEqual(['openclaw-database-busy']);
      expect(locked.warnings.join('\n')).toMatch(/openclaw-agent\.sqlite stayed locked by another process/);
      expect(duringLock.cron).toEqual(full.cron);
      expect(duringLock.usage).toEqual(full.usage);
      databases.unlock();

      const after = parse((await collect(dir, { state: locked.state })).body);
      expect(after.gateway.failing).toBeUndefined();
      expect(after.usage).toEqual(full.usage);
      expect(after.sessions).toEqual(full.sessions);
    } finally {
      databases.close();
    }
  });

  it('counts a database that was locked on the first sync in full once it is free', async () => {
    const dir = copyFixtureState('2026.9.6');
    const databases = lockable(dir, ['agents', 'main', 'agent', 'openclaw-agent.sqlite']);
    try {
      databases.lock();
      const locked = await collect(dir, { busyTimeoutMs: 50 });
      const partial = parse(locked.body);
      expect(partial.usage.map((bucket) => bucket.model)).toEqual(['fakellm/fail-model']); // only the flaky agent's DB
      databases.unlock();
      const after = parse((await collect(dir, { state: locked.state })).body);
      const expected = expectedUsage(dir, WINDOW_START);
      expect(after.usage.map(({ costUsd, ...rest }) => rest)).toEqual(expected.map(({ costUsd, ...rest }) => rest));
    } finally {
      databases.close();
    }
  });
});
