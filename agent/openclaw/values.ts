/**
 * Shape checks for values read from OpenClaw's files. Everything the agent reads is untrusted
 * input of an unknown version: each helper returns a value of the expected type or `undefined`,
 * never throws, and never passes free text through.
 */

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * A short machine word (a mode, a status, a check id): letters, digits and `._:-`, starting with a
 * letter or digit. Anything else — free text, a path, a URL — is refused, so a value in a field
 * we expected to hold a mode can never carry a sentence or a secret with spaces out.
 */
export function safeToken(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 0 || value.length > maxLength) return undefined;
  return /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(value) ? value : undefined;
}

/** A non-negative integer count, or undefined. Floats are rounded; negatives and NaN refused. */
export function nonNegativeInteger(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  const rounded = Math.round(value);
  return rounded <= Number.MAX_SAFE_INTEGER ? rounded : undefined;
}

export function nonNegativeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Epoch milliseconds from a number or an ISO string, within a sane range (1970 – 2200). */
export function epochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value;
  else if (typeof value === 'string' && value.length <= 40) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) ms = parsed;
  }
  if (ms === undefined || ms < 0 || ms > 7_258_118_400_000) return undefined;
  return Math.round(ms);
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}
