/**
 * `openclaw security audit --json`, run on request (`--security-audit`): OpenClaw's own checks of
 * the install. Only the severity counts and the check ids are kept. It starts the OpenClaw CLI
 * (seconds), so the agent runs it at most once an hour and reuses the answer in between.
 */
import { findExecutable } from './openclaw-version.ts';
import { asRecord, nonNegativeInteger } from './values.ts';

export const AUDIT_TIMEOUT_MS = 60_000;
export const AUDIT_REUSE_MS = 3_600_000;

export interface AuditSummary {
  critical: number;
  warn: number;
  info: number;
  checkIds: string[];
}

export async function runSecurityAudit(env: NodeJS.ProcessEnv, timeoutMs = AUDIT_TIMEOUT_MS): Promise<AuditSummary | { problem: string }> {
  const executable = findExecutable(env);
  if (!executable) return { problem: 'openclaw is not on PATH (set OPENCLAW_BIN); skipped the security audit' };
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(executable, ['security', 'audit', '--json'], { timeout: timeoutMs, env, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => {
      // The audit exits non-zero when it finds criticals; its JSON is still on stdout.
      const summary = parseAudit(String(stdout));
      if (summary) resolve(summary);
      else resolve({ problem: `openclaw security audit gave no JSON${error ? ` (${(error as NodeJS.ErrnoException).code ?? error.message})` : ''}` });
    });
  });
}

export function parseAudit(text: string): AuditSummary | undefined {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const findings = Array.isArray(parsed.findings) ? parsed.findings.map(asRecord).filter((finding) => finding !== undefined) : [];
  const summary = asRecord(parsed.summary);
  const countOf = (severity: string) =>
    nonNegativeInteger(summary?.[severity]) ?? findings.filter((finding) => finding.severity === severity).length;
  const checkIds = [
    ...new Set(findings.map((finding) => finding.checkId).filter((id): id is string => typeof id === 'string' && /^[A-Za-z0-9._:-]{1,96}$/.test(id))),
  ].slice(0, 256);
  if (!summary && findings.length === 0) return undefined;
  return { critical: countOf('critical'), warn: countOf('warn'), info: countOf('info'), checkIds };
}
