/**
 * `/deepclaw …` typed at the terminal of `npm start` (when stdin is a TTY), answered by the same
 * command core as every chat platform. Whoever sits at that terminal owns the process, so they
 * act as an admin of the default workspace, and replies meant only for them (tokens) are printed
 * there too.
 */
import { toTerminalLines, toTerminalText } from './terminal-text.ts';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ConsoleCommandHandlers {
  /** Answers the text of one `/deepclaw …` line as plain text. */
  run(text: string): Promise<string>;
}

/** The answer to one typed line, or undefined for an empty line. */
export async function answerConsoleLine(line: string, handlers: ConsoleCommandHandlers): Promise<string | undefined> {
  const typed = line.trim();
  if (!typed) return undefined;
  if (!/^\/deepclaw(?:\s|$)/i.test(typed)) return 'Type /deepclaw help for the commands.';
  return handlers.run(typed);
}

/** Reads lines from `input` until it ends, answering each on `write`, in the order typed. */
export function readConsoleCommands(input: Readable, write: (text: string) => void, handlers: ConsoleCommandHandlers): Promise<void> {
  const lines = createInterface({ input, terminal: false });
  let answered = Promise.resolve();
  lines.on('line', (line) => {
    answered = answered.then(() =>
      answerConsoleLine(line, handlers).then(
        (answer) => void (answer && write(`${toTerminalLines(answer)}\n`)),
        (error: unknown) => write(`Could not answer: ${toTerminalText((error as Error).message)}\n`),
      ),
    );
  });
  return new Promise((resolve) => lines.once('close', () => resolve(answered)));
}
