import { describe, expect, it } from 'vitest';
import type { OpenEvent } from '../decision.ts';
import { decideSecurity, type SecurityFacts } from './security.ts';

const none = new Map<string, OpenEvent>();
const SAFE: SecurityFacts = { bind: 'loopback', authMode: 'token', stateDirMode: '700', configMode: '600', audit: { critical: 0, warn: 2, info: 1, checkIds: [] } };

describe('security rule', () => {
  it('opens nothing for a sane posture', () => {
    expect(decideSecurity(SAFE, none)).toEqual([]);
  });

  it.each([
    ['bind beyond loopback', { bind: 'lan' }, 'bind', 'the gateway listens beyond loopback (bind: lan)'],
    ['auth off', { authMode: 'none' }, 'auth', 'gateway authentication is switched off (auth mode: none)'],
    ['audit criticals', { audit: { critical: 2, warn: 0, info: 0, checkIds: ['x'] } }, 'audit-critical', 'openclaw security audit reports 2 critical finding(s)'],
    ['world-readable state dir', { stateDirMode: '755' }, 'state-dir-mode', 'the OpenClaw state directory is world-readable (mode 755)'],
    ['world-readable config', { configMode: '0644' }, 'config-mode', 'the OpenClaw config file is world-readable (mode 0644)'],
  ])('opens one event for %s', (_, change, key, summary) => {
    expect(decideSecurity({ ...SAFE, ...change }, none)).toEqual([expect.objectContaining({ action: 'open', key, summary })]);
  });

  it('resolves each check when its posture is restored, and keeps the others open', () => {
    const open = new Map([
      ['bind', { key: 'bind', openedAt: new Date(), details: {} }],
      ['auth', { key: 'auth', openedAt: new Date(), details: {} }],
    ]);
    const decisions = decideSecurity({ ...SAFE, authMode: 'none' }, open);
    expect(decisions.map((d) => [d.key, d.action])).toEqual([
      ['bind', 'resolve'],
      ['auth', 'keep'],
    ]);
  });
});
