/**
 * `/deepclaw …` typed at the terminal of `npm start` (when stdin is a TTY). The full command set
 * arrives with the chat commands; until then `status` and `help`.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export const CONSOLE_HELP = `Commands:
  /deepclaw status   every instance: ok, stale, paused or not yet synced; open events; spend today
  /deepclaw help     this text`;

export interface ConsoleCommandHandlers {
  status(): Promise<string>;
}

/** The answer to one typed line, or undefined for lines that are not `/deepclaw` commands. */
export async function answerConsoleLine(line: string, handlers: ConsoleCommandHandlers): Promise<string | undefined> {
  const match = /^\/deepclaw(?:\s+(\S+))?/.exec(line.trim());
  if (!match) return line.trim() ? 'Type /deepclaw help for the commands.' : undefined;
  const subcommand = match[1] ?? 'help';
  if (subcommand === 'help') return CONSOLE_HELP;
  if (subcommand === 'status') return handlers.status();
  return `Unknown command "${subcommand}". ${CONSOLE_HELP}`;
}

/** Reads lines from `input` until it ends, answering each on `write`, in the order typed. */
export function readConsoleCommands(input: Readable, write: (text: string) => void, handlers: ConsoleCommandHandlers): Promise<void> {
  const lines = createInterface({ input, terminal: false });
  let answered = Promise.resolve();
  lines.on('line', (line) => {
    answered = answered.then(() =>
      answerConsoleLine(line, handlers).then(
        (answer) => void (answer && write(`${answer}\n`)),
        (error: unknown) => write(`Could not answer: ${(error as Error).message}\n`),
      ),
    );
  });
  return new Promise((resolve) => lines.once('close', () => resolve(answered)));
}
