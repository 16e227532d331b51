import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerConsoleLine, CONSOLE_HELP, readConsoleCommands } from './commands.ts';

const handlers = { status: async () => 'Workspace "default": 1 ok' };

describe('console commands', () => {
  it.each([
    ['/deepclaw help', CONSOLE_HELP],
    ['/deepclaw', CONSOLE_HELP],
    ['/deepclaw status', 'Workspace "default": 1 ok'],
    ['  /deepclaw status  ', 'Workspace "default": 1 ok'],
    ['/deepclaw frobnicate', `Unknown command "frobnicate". ${CONSOLE_HELP}`],
    ['status', 'Type /deepclaw help for the commands.'],
    ['', undefined],
  ])('answers "%s"', async (line, answer) => {
    expect(await answerConsoleLine(line, handlers)).toBe(answer);
  });

  it('reads commands line by line from a stream and answers each', async () => {
    const input = new PassThrough();
    const output: string[] = [];
    const done = readConsoleCommands(input, (text) => output.push(text), handlers);
    input.end('/deepclaw status\n/deepclaw help\n');
    await done;
    expect(output).toEqual(['Workspace "default": 1 ok\n', `${CONSOLE_HELP}\n`]);
  });
});
