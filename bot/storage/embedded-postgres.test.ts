import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

it('ends the process with a clear error when the embedded database thread dies while serving', async () => {
  // A service without its database would answer 503 forever; dying loudly lets the supervisor
  // (systemd, Docker, a terminal) restart it on a data dir PGlite reopens cleanly.
  const child = spawn(process.execPath, ['test/support/embedded-database-process.ts', './dying-database-thread.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  expect(stdout).toMatch(/^serving postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/m);
  expect(code).toBe(1);
  expect(stderr).toContain('EmbeddedDatabaseCrashedError');
  expect(stderr).toContain('the embedded database stopped unexpectedly: its thread exited with code 70');
}, 60_000);
