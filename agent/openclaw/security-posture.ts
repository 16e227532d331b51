/**
 * The gateway's security posture, from facts the agent can read without secrets: the bind,
 * auth and Tailscale modes named in the config (never the token or password next to them), the
 * permission bits of the state directory and the config file, and — when asked — the counts and
 * check ids of `openclaw security audit --json` (never its findings' text, which quotes paths).
 */
import { statSync } from 'node:fs';
import type { SecurityPosture } from '../../ingest/contract.ts';
import type { GatewayConfig } from './gateway-config.ts';
import type { AuditSummary } from './security-audit.ts';

export function securityPosture(options: { stateDir: string; configPath: string; config: GatewayConfig; audit?: AuditSummary }): SecurityPosture {
  const posture: SecurityPosture = {};
  const { config } = options;
  if (config.bind) posture.bind = config.bind;
  if (config.authMode) posture.authMode = config.authMode;
  if (config.tailscaleMode) posture.tailscaleMode = config.tailscaleMode;
  const stateDirMode = permissionBits(options.stateDir);
  if (stateDirMode) posture.stateDirMode = stateDirMode;
  const configMode = permissionBits(options.configPath);
  if (configMode) posture.configMode = configMode;
  if (options.audit) posture.audit = { critical: options.audit.critical, warn: options.audit.warn, info: options.audit.info, checkIds: options.audit.checkIds };
  return posture;
}

/** `700`, `644`, or `1777` when a special bit is set. */
export function permissionBits(path: string): string | undefined {
  try {
    const mode = statSync(path).mode & 0o7777;
    return mode.toString(8).padStart(3, '0');
  } catch {
    return undefined;
  }
}
