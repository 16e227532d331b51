#!/usr/bin/env node
/** `npm run deepclaw -- <command>` and the `deepclaw` bin. See usage.ts or `deepclaw help`. */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { environmentWithDotenv } from '../config.ts';
import { runCli } from './run-cli.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the token, then press Enter and Ctrl-D:\n');
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** One line from the terminal; Ctrl-D counts as no answer. */
async function ask(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => {
      lines.once('close', () => resolve(''));
      lines.question(question).then(resolve, () => resolve(''));
    });
  } finally {
    lines.close();
  }
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: { write: (text) => process.stdout.write(text) },
  stderr: { write: (text) => process.stderr.write(text) },
  env: environmentWithDotenv(process.env),
  cwd: process.cwd(),
  user: process.env.USER || userInfo().username,
  readStdin,
  stdinIsTerminal: process.stdin.isTTY === true,
  ask,
});
