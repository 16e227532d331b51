/**
 * security, one key per check: the posture regressed. The gateway bound beyond loopback, auth
 * switched off, audit criticals, a world-readable state dir or config. Each resolves when restored.
 */
import type { Decision, OpenEvents } from '../decision.ts';

export interface SecurityFacts {
  bind?: string;
  authMode?: string;
  tailscaleMode?: string;
  stateDirMode?: string;
  configMode?: string;
  audit?: { critical: number; warn: number; info: number; checkIds: string[] };
}

const LOOPBACK = new Set(['loopback', 'localhost', '127.0.0.1', '::1']);

interface Check {
  key: string;
  failing(facts: SecurityFacts): boolean;
  opened(facts: SecurityFacts): string;
  restored: string;
}

const worldReadable = (mode: string | undefined) => mode !== undefined && (parseInt(mode, 8) & 0o004) !== 0;

const CHECKS: Check[] = [
  {
    key: 'bind',
    failing: (f) => f.bind !== undefined && !LOOPBACK.has(f.bind),
    opened: (f) => `the gateway listens beyond loopback (bind: ${f.bind})`,
    restored: 'the gateway listens on loopback again',
  },
  {
    key: 'auth',
    failing: (f) => f.authMode === 'none',
    opened: () => 'gateway authentication is switched off (auth mode: none)',
    restored: 'gateway authentication is on again',
  },
  {
    key: 'audit-critical',
    failing: (f) => (f.audit?.critical ?? 0) > 0,
    opened: (f) => `openclaw security audit reports ${f.audit!.critical} critical finding(s)`,
    restored: 'the security audit reports no critical findings',
  },
  {
    key: 'state-dir-mode',
    failing: (f) => worldReadable(f.stateDirMode),
    opened: (f) => `the OpenClaw state directory is world-readable (mode ${f.stateDirMode})`,
    restored: 'the OpenClaw state directory is private again',
  },
  {
    key: 'config-mode',
    failing: (f) => worldReadable(f.configMode),
    opened: (f) => `the OpenClaw config file is world-readable (mode ${f.configMode})`,
    restored: 'the OpenClaw config file is private again',
  },
];

export function decideSecurity(facts: SecurityFacts | undefined, open: OpenEvents): Decision[] {
  if (!facts) return [...open.keys()].map((key) => ({ action: 'keep', key }));
  const decisions: Decision[] = [];
  const details = { ...facts };
  for (const check of CHECKS) {
    const current = open.get(check.key);
    const failing = check.failing(facts);
    if (failing && !current) decisions.push({ action: 'open', key: check.key, summary: check.opened(facts), details });
    else if (failing) decisions.push({ action: 'keep', key: check.key, details });
    else if (current) decisions.push({ action: 'resolve', key: check.key, summary: check.restored, details });
  }
  return decisions;
}
