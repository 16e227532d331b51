/** Runs the admin CLI in-process against a test database and records what it printed. */
import { runCli } from '../../bot/cli/run-cli.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = any>(): T;
}

export async function cli(argv: string[], options: { env: NodeJS.ProcessEnv; stdin?: string; user?: string }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(argv, {
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    env: options.env,
    cwd: process.cwd(),
    user: options.user ?? 'alice',
    readStdin: async () => options.stdin ?? '',
  });
  return { exitCode, stdout, stderr, json: () => JSON.parse(stdout) };
}
