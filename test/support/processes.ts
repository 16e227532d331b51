/** Real DeepClaw processes for end-to-end tests: the service and the admin CLI, spawned with Node 24. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  port: number;
  child: ChildProcess;
  output(): string;
  /** Sends `signal` and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment for a child: no inherited DeepClaw or database settings, quiet logs. */
export function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('DEEPCLAW_') && !key.startsWith('DATABASE_') && key !== 'PORT' && key !== 'TEST_DATABASE_URL'),
  );
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

/**
 * Starts `node bot/main.ts` and waits until it is ready: its "listening" log line, or for
 * `--role worker` (which serves no HTTP; `port` is 0) its "worker started" line.
 */
export function startService(env: NodeJS.ProcessEnv, timeoutMs = 30_000, role: 'all' | 'web' | 'worker' = 'all'): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['bot/main.ts', '--role', role], { cwd: ROOT, env: childEnv({ PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = role === 'worker' ? '"msg":"worker started"' : '"msg":"listening"';
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service (${role}) did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const line = output.split('\n').find((candidate) => candidate.includes(ready));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        port: JSON.parse(line).port ?? 0,
        child,
        output: () => output,
        stop(signal = 'SIGTERM') {
          const started = Date.now();
          return new Promise((done) => {
            child.once('exit', (code) => done({ code, ms: Date.now() - started }));
            child.kill(signal);
          });
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service (${role}) exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs a script (`bot/main.ts`, `bot/cli/main.ts`, …) to completion. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Finished> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
