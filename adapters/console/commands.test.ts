import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerConsoleLine, readConsoleCommands } from './commands.ts';

const handlers = { run: async (text: string) => `ran: ${text}` };

describe('console commands', () => {
  it.each([
    ['/deepclaw help', 'ran: /deepclaw help'],
    ['/deepclaw', 'ran: /deepclaw'],
    ['  /deepclaw status  ', 'ran: /deepclaw status'],
    ['/deepclawstatus', 'Type /deepclaw help for the commands.'],
    ['status', 'Type /deepclaw help for the commands.'],
    ['', undefined],
  ])('answers "%s"', async (line, answer) => {
    expect(await answerConsoleLine(line, handlers)).toBe(answer);
  });

  it('reads commands line by line from a stream and answers each, in order', async () => {
    const input = new PassThrough();
    const output: string[] = [];
    const done = readConsoleCommands(input, (text) => output.push(text), handlers);
    input.end('/deepclaw status\n/deepclaw help\n');
    await done;
    expect(output).toEqual(['ran: /deepclaw status\n', 'ran: /deepclaw help\n']);
  });
});
