import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { generateSyncToken } from './tokens/sync-token-format.ts';

function logOnce(write: (logger: ReturnType<typeof createLogger>) => void): string {
  let output = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  write(createLogger({ level: 'info', destination }));
  return output;
}

describe('logger', () => {
  const token = generateSyncToken();

  it('writes JSON lines with level names', () => {
    const line = JSON.parse(logOnce((logger) => logger.info({ instance: 'my-vps' }, 'synced')));
    expect(line).toMatchObject({ level: 'info', instance: 'my-vps', msg: 'synced' });
  });

  it('redacts Authorization headers and token, password and secret fields', () => {
    const output = logOnce((logger) =>
      logger.info({ req: { headers: { authorization: `Bearer ${token}` } }, token, slack: { secret: 'shh-signing-secret' }, db: { password: 'hunter2' } }, 'request'),
    );
    expect(output).not.toContain(token);
    expect(output).not.toContain('shh-signing-secret');
    expect(output).not.toContain('hunter2');
    expect(JSON.parse(output)).toMatchObject({ token: '[redacted]', req: { headers: { authorization: '[redacted]' } } });
  });

  it.each([
    ['a sync token', () => token],
    ['a Slack bot token', () => 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['a Telegram bot token', () => '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1'],
    ['an Anthropic key', () => 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345'],
  ])('removes %s from messages and nested strings', (_, secret) => {
    const value = secret();
    const output = logOnce((logger) => {
      logger.warn(`agent sent ${value} in a header`);
      logger.warn({ context: { note: `see ${value}` }, list: [value] }, 'nested');
      logger.error(new Error(`failed with ${value}`));
    });
    expect(output).not.toContain(value);
    expect(output).toContain('[redacted]');
  });
});
