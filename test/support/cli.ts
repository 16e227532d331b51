/** Runs the admin CLI in-process against a test database and records what it printed. */
import { runCli } from '../../bot/cli/run-cli.ts';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The questions the CLI asked on the terminal, in order. */
  asked: string[];
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = any>(): T;
}

/**
 * `terminal` makes stdin a terminal whose person types `answers`, one per question (no answer
 * left is Enter); every question asked is recorded in `asked` as well as printed on stderr.
 */
export async function cli(
  argv: string[],
  options: { env: NodeJS.ProcessEnv; stdin?: string; user?: string; terminal?: boolean; answers?: string[] },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const asked: string[] = [];
  const answers = [...(options.answers ?? [])];
  const exitCode = await runCli(argv, {
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    env: options.env,
    cwd: process.cwd(),
    user: options.user ?? 'alice',
    readStdin: async () => options.stdin ?? '',
    stdinIsTerminal: options.terminal ?? false,
    ask: async (question) => {
      asked.push(question);
      stderr += question;
      return answers.shift() ?? '';
    },
  });
  return { exitCode, stdout, stderr, asked, json: () => JSON.parse(stdout) };
}
