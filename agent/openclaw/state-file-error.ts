import { readFileSync } from 'node:fs';

/**
 * An OpenClaw state file that exists but cannot be used as it stands: corrupt JSON, unreadable
 * permissions. Reported (`gateway.failing: ["openclaw-state-unreadable"]` and a warning line) and
 * skipped; the rest of the snapshot is still built. Messages name the file, never its content.
 */
export const STATE_UNREADABLE = 'openclaw-state-unreadable';

export class StateFileError extends Error {
  readonly code = 'openclaw_state_unreadable';
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'StateFileError';
    this.path = path;
  }
}

/** Reads and parses a JSON state file; undefined when it does not exist. */
export function readJsonStateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StateFileError(path, `cannot be read (${code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new StateFileError(path, 'is not valid JSON (half-written or corrupt)');
  }
}
