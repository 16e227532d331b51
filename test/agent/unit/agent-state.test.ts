/** The agent's state file: atomic, private, forgiving of damage, and its lock. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyState, loadAgentState, lockStateFile, nextSeq, saveAgentState } from '../../../agent/agent-state.ts';
import { EXIT } from '../../../agent/exit-codes.ts';
import { tempDir } from '../support/openclaw-fixtures.ts';

describe('the agent state file', () => {
  it('is written atomically into a private directory, and read back', () => {
    const path = join(tempDir(), 'nested', 'dir', 'state.json');
    const state = { ...emptyState(41), openclawDir: '/srv/openclaw' };
    saveAgentState(path, state);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']); // no temporary left behind
    expect(loadAgentState(path)).toEqual({ state });
  });

  it('starts over, with a warning, from a corrupt or foreign file', () => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, '{"format":"deepclaw-agent.state/v1", "cursors": {');
    expect(loadAgentState(path)).toEqual({ state: emptyState(), warning: expect.stringContaining('was unreadable; starting over') });
    writeFileSync(path, JSON.stringify({ format: 'something-else/v9' }));
    expect(loadAgentState(path).state).toEqual(emptyState());
  });

  it('is no error when missing', () => {
    expect(loadAgentState(join(tempDir(), 'absent.json'))).toEqual({ state: emptyState() });
  });

  it('fails with exit 9 when it cannot be written', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => saveAgentState(join(dir, 'a-file', 'state.json'), emptyState())).toThrow(expect.objectContaining({ code: 'state_unwritable', exitCode: EXIT.localState }));
  });

  it('numbers snapshots with milliseconds, always above the last one', () => {
    expect(nextSeq(emptyState(), 1_795_293_900_000)).toBe(1_795_293_900_000);
    expect(nextSeq(emptyState(1_795_293_900_000), 1_795_293_000_000)).toBe(1_795_293_900_001);
  });

  it('is locked by one agent at a time; a dead holder’s lock is taken over', () => {
    const path = join(tempDir(), 'state.json');
    const release = lockStateFile(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);

    writeFileSync(`${path}.lock`, '999999999'); // no such process
    const again = lockStateFile(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    again();
  });
});
