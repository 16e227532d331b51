/**
 * Incremental reads: a repeat sync reads only what was appended since the last one, and every
 * usage bucket grows by exactly the appended usage — across appends, new files, reset renames,
 * rewritten files, new rows (plain and zstd), reused rowids, a restarted agent and a sliding window.
 */
import { appendFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadAgentState, saveAgentState } from '../../agent/agent-state.ts';
import { snapshotSchema, type UsageBucket } from '../../ingest/contract.ts';
import { collect } from './support/agent-harness.ts';
import { copyFixtureState, FIXTURE_NOW, tempDir } from './support/openclaw-fixtures.ts';

const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
const HOUR = '2026-11-21T20:00:00.000Z';

let nextId = 0;
/** A transcript line for one model call; `text` stands in for the reply. */
function modelCall(usage: { input: number; output: number; cost?: number; error?: boolean; at?: string; model?: string; id?: string }): string {
  nextId += 1;
  return JSON.stringify({
    type: 'message',
    id: usage.id ?? `inc${String(nextId).padStart(5, '0')}`,
    parentId: null,
    timestamp: usage.at ?? '2026-11-21T20:41:00.000Z',
    message: {
      role: 'assistant',
      content: [{ type: 'text', text: `appended reply ${nextId}` }],
      provider: 'fakellm',
      model: usage.model ?? 'fake-model',
      usage: { input: usage.input, output: usage.output, cacheRead: 0, cacheWrite: 0, totalTokens: usage.input + usage.output, ...(usage.cost !== undefined ? { cost: { total: usage.cost } } : {}) },
      stopReason: usage.error ? 'error' : 'stop',
      timestamp: 0,
    },
  });
}

function bucket(body: string, model: string, hour = HOUR): UsageBucket | undefined {
  return snapshotSchema.parse(JSON.parse(body)).usage.find((candidate) => candidate.model === model && candidate.hour === hour);
}

function grownBy(before: UsageBucket | undefined, after: UsageBucket | undefined) {
  return {
    runs: (after?.runs ?? 0) - (before?.runs ?? 0),
    inputTokens: (after?.inputTokens ?? 0) - (before?.inputTokens ?? 0),
    outputTokens: (after?.outputTokens ?? 0) - (before?.outputTokens ?? 0),
    costUsd: Number(((after?.costUsd ?? 0) - (before?.costUsd ?? 0)).toFixed(10)),
    errors: (after?.errors ?? 0) - (before?.errors ?? 0),
    missingCost: (after?.missingCost ?? 0) - (before?.missingCost ?? 0),
  };
}

describe('incremental reads of JSON transcripts', () => {
  it('grows each bucket by exactly the appended usage and reads only the appended bytes', async () => {
    const dir = copyFixtureState('2026.5.7');
    const transcript = join(dir, 'agents', 'main', 'sessions', '04e5849b-2227-4437-bb50-071359db773c.jsonl');
    const first = await collect(dir);

    const appended = [modelCall({ input: 1000, output: 100, cost: 0.5 }), modelCall({ input: 10, output: 0, error: true, cost: 0 }), modelCall({ input: 5, output: 5 })]
      .map((line) => `${line}\n`)
      .join('');
    appendFileSync(transcript, appended);
    const newFile = join(dir, 'agents', 'main', 'sessions', 'new-session.jsonl');
    const newLines = `${modelCall({ input: 1, output: 2, cost: 0.25, model: 'other-model' })}\n`;
    writeFileSync(newFile, newLines);

    const second = await collect(dir, { state: first.state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toEqual({
      runs: 3,
      inputTokens: 1015,
      outputTokens: 105,
      costUsd: 0.5,
      errors: 1,
      missingCost: 1,
    });
    expect(bucket(second.body, 'fakellm/other-model')).toMatchObject({ runs: 1, inputTokens: 1, outputTokens: 2, costUsd: 0.25 });
    expect(second.stats.transcriptBytesRead).toBe(Buffer.byteLength(appended) + Buffer.byteLength(newLines));
    expect(second.stats.transcriptFilesRead).toBe(2);

    // Nothing new: nothing read, nothing changes.
    const third = await collect(dir, { state: second.state });
    expect(third.stats.transcriptBytesRead).toBe(0);
    expect(snapshotSchema.parse(JSON.parse(third.body)).usage).toEqual(snapshotSchema.parse(JSON.parse(second.body)).usage);
  });

  it('follows a transcript renamed into a reset archive without reading it again', async () => {
    const dir = copyFixtureState('2026.7.35');
    const sessions = join(dir, 'agents', 'main', 'sessions');
    const transcript = join(sessions, '1f8ce01c-f53d-4698-b3b8-1626d78398dc.jsonl');
    const first = await collect(dir);

    // OpenClaw resets the session: the transcript is renamed, a fresh one starts under the same id.
    appendFileSync(transcript, `${modelCall({ input: 70, output: 7, cost: 0.07 })}\n`);
    renameSync(transcript, `${transcript}.reset.2026-11-21T20-42-00.000Z`);
    const fresh = `${modelCall({ input: 30, output: 3, cost: 0.03 })}\n`;
    writeFileSync(transcript, fresh);

    const second = await collect(dir, { state: first.state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toMatchObject({ runs: 2, inputTokens: 100, costUsd: 0.1 });
    // The archive is read only from where the old name left off.
    expect(second.stats.transcriptBytesRead).toBe(Buffer.byteLength(modelCall({ input: 70, output: 7, cost: 0.07 })) + 1 + Buffer.byteLength(fresh));
  });

  it('reads a rewritten file again from the start without counting its old entries twice', async () => {
    const dir = copyFixtureState('2026.5.7');
    const transcript = join(dir, 'agents', 'main', 'sessions', 'f362bccc-1f7b-4231-b66b-e531091d5ce1.jsonl');
    const first = await collect(dir);
    const original = (await import('node:fs')).readFileSync(transcript, 'utf8');
    // A repair tool rewrites the file in place with a new first line: same entries, plus one.
    writeFileSync(transcript, `{"type":"session","version":3,"id":"f362bccc-1f7b-4231-b66b-e531091d5ce1","note":"repaired"}\n${original}${modelCall({ input: 9, output: 9, cost: 0.09 })}\n`);
    const second = await collect(dir, { state: first.state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toMatchObject({ runs: 1, inputTokens: 9, costUsd: 0.09 });
  });

  it('keeps its memory of counted entries through the state file, across agent restarts', async () => {
    const dir = copyFixtureState('2026.5.7');
    const statePath = join(tempDir(), 'state.json');
    const first = await collect(dir);
    saveAgentState(statePath, first.state);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);

    // A forked session copies an already counted entry (same id and time) into a new file.
    const original = (await import('node:fs')).readFileSync(join(dir, 'agents', 'main', 'sessions', '04e5849b-2227-4437-bb50-071359db773c.jsonl'), 'utf8');
    const copied = original.split('\n').find((line) => line.includes('"role":"assistant"'))!;
    writeFileSync(join(dir, 'agents', 'main', 'sessions', 'forked.jsonl'), `${copied}\n${modelCall({ input: 3, output: 3, cost: 0.003 })}\n`);

    const second = await collect(dir, { state: loadAgentState(statePath).state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toMatchObject({ runs: 1, inputTokens: 3 });
    expect(second.state.lastSeq).toBeGreaterThan(first.state.lastSeq);
  });

  it('drops hours that slide out of the 48-hour window', async () => {
    const dir = copyFixtureState('2026.5.7');
    const first = await collect(dir);
    expect(snapshotSchema.parse(JSON.parse(first.body)).usage.length).toBeGreaterThan(0);
    const later = await collect(dir, { state: first.state, nowMs: FIXTURE_NOW + 47 * 3_600_000 });
    expect(snapshotSchema.parse(JSON.parse(later.body)).usage.length).toBe(snapshotSchema.parse(JSON.parse(first.body)).usage.length);
    const gone = await collect(dir, { state: later.state, nowMs: FIXTURE_NOW + 48 * 3_600_000 });
    expect(snapshotSchema.parse(JSON.parse(gone.body)).usage).toEqual([]);
    expect(Object.keys(gone.state.usage.hours)).toEqual([]);
  });
});

describe('incremental reads of SQLite transcripts', () => {
  const NAVIGATION = JSON.stringify({
    version: 1,
    report: { kind: 'canonical' },
    navigation: {},
    reset: {},
    model: {},
    modelBytes: 10,
    modelWithoutCheckpointBytes: 10,
    withoutCustomDataBytes: 10,
  });

  function appendRows(stateDir: string, rows: { line: string; compressed?: boolean }[]) {
    const db = new DatabaseSync(join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'));
    const session = '87fbe0f7-2723-4fe3-8223-ce1669f951e3';
    let seq = (db.prepare('SELECT max(seq) AS seq FROM transcript_events WHERE session_id = ?').get(session) as { seq: number }).seq;
    const insert = db.prepare(
      'INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const row of rows) {
      seq += 1;
      if (row.compressed) insert.run(session, seq, null, FIXTURE_NOW, zstdCompressSync(Buffer.from(row.line)), Buffer.byteLength(row.line), NAVIGATION);
      else insert.run(session, seq, row.line, FIXTURE_NOW, null, Buffer.byteLength(row.line), null);
    }
    db.close();
  }

  it('reads only new rows, plain or zstd-compressed, and grows the buckets by exactly their usage', async () => {
    const dir = copyFixtureState('2026.9.6');
    const first = await collect(dir);
    appendRows(dir, [
      { line: modelCall({ input: 100, output: 10, cost: 0.1 }) },
      { line: modelCall({ input: 200, output: 20, cost: 0.2 }), compressed: true },
      { line: JSON.stringify({ type: 'message', id: 'user-1', timestamp: '2026-11-21T20:41:00.000Z', message: { role: 'user', content: 'a prompt' } }), compressed: true },
      { line: JSON.stringify({ type: 'custom', customType: 'x', data: {} }) },
    ]);
    const second = await collect(dir, { state: first.state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toEqual({
      runs: 2,
      inputTokens: 300,
      outputTokens: 30,
      costUsd: 0.3,
      errors: 0,
      missingCost: 0,
    });
    // Rows reaching JS: the plain assistant row and the two compressed ones; not the custom row.
    expect(second.stats.transcriptRowsRead).toBe(3);
    const third = await collect(dir, { state: second.state });
    expect(third.stats.transcriptRowsRead).toBe(0);
  });

  it('notices reused rowids after deletions and recounts without double counting', async () => {
    const dir = copyFixtureState('2026.9.6');
    appendRows(dir, [{ line: modelCall({ input: 1, output: 1, cost: 0.001 }) }]);
    const first = await collect(dir);
    const db = new DatabaseSync(join(dir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'));
    db.exec('DELETE FROM transcript_events WHERE rowid = (SELECT max(rowid) FROM transcript_events)');
    db.close();
    // The replacement takes the deleted row's rowid.
    appendRows(dir, [{ line: modelCall({ input: 40, output: 4, cost: 0.04 }) }]);
    const second = await collect(dir, { state: first.state });
    expect(grownBy(bucket(first.body, 'fakellm/fake-model'), bucket(second.body, 'fakellm/fake-model'))).toMatchObject({ runs: 1, inputTokens: 40 });
  });
});
