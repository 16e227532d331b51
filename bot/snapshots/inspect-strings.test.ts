import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { inspectStrings } from './inspect-strings.ts';

describe('inspecting a snapshot\'s strings', () => {
  const slackToken = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKl';

  it('passes a clean snapshot, with and without its raw text', () => {
    const snapshot = buildSnapshot();
    expect(inspectStrings(snapshot)).toBeUndefined();
    expect(inspectStrings(snapshot, JSON.stringify(snapshot))).toBeUndefined();
  });

  it('names the kind and the path of a credential, never the value', () => {
    const snapshot = buildSnapshot();
    snapshot.gateway.failing = ['ok', `auth ${slackToken}`];
    const problem = inspectStrings(snapshot, JSON.stringify(snapshot));
    expect(problem).toEqual({ problem: 'secret', secretKind: 'slack_token', path: 'gateway.failing[1]' });
  });

  it('finds a credential written with \\u escapes, which the raw text hides', () => {
    const snapshot = buildSnapshot();
    snapshot.cron[0]!.name = slackToken;
    const raw = JSON.stringify(snapshot).replace('xoxb', '\\u0078oxb');
    expect(inspectStrings(snapshot, raw)).toMatchObject({ problem: 'secret', path: 'cron[0].name' });
  });

  it('reports a credential used as a key without putting the key in the path', () => {
    const snapshot = buildSnapshot();
    snapshot.sessions.byChannel = { [slackToken]: 1 };
    expect(inspectStrings(snapshot, JSON.stringify(snapshot))).toEqual({ problem: 'secret', secretKind: 'slack_token', path: 'sessions.byChannel.<key>' });
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('flags %s as text Postgres cannot store', (_, text) => {
    const snapshot = buildSnapshot();
    snapshot.cron[1]!.name = text;
    expect(inspectStrings(snapshot, JSON.stringify(snapshot))).toEqual({ problem: 'unstorable_text', path: 'cron[1].name' });
  });

  it('does not mistake ordinary ids, hashes and model names for credentials', () => {
    const snapshot = buildSnapshot();
    snapshot.security.audit = { critical: 0, warn: 1, info: 2, checkIds: ['gateway.bind.public', 'fs.state-dir.world-readable'] };
    snapshot.cron[0]!.id = '3f2a9c4e-1b7d-4e8a-9f3c-2d1e0b9a8c7f';
    snapshot.cron[1]!.name = 'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(inspectStrings(snapshot, JSON.stringify(snapshot))).toBeUndefined();
  });
});
