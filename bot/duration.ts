/**
 * Human durations as operators type them: `30s`, `5m`, `1h30m`, `2d`. One parser for the config,
 * the admin CLI (`--interval 5m`, `--grace 15m`) and, later, chat commands (`mute my-vps 1h`).
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export class DurationError extends Error {
  readonly code = 'invalid_duration';
  readonly input: string;

  constructor(input: string) {
    super(`"${input}" is not a duration; use a number with a unit, like 30s, 5m, 1h30m or 2d`);
    this.name = 'DurationError';
    this.input = input;
  }
}

/** Parses `1h30m` into seconds. Throws {@link DurationError} for anything else, including `0s`. */
export function toSeconds(input: string): number {
  const trimmed = input.trim().toLowerCase();
  const match = DURATION_PATTERN.exec(trimmed);
  if (!trimmed || !match) throw new DurationError(input);
  const [, days, hours, minutes, seconds] = match;
  const total =
    Number(days ?? 0) * UNIT_SECONDS.d +
    Number(hours ?? 0) * UNIT_SECONDS.h +
    Number(minutes ?? 0) * UNIT_SECONDS.m +
    Number(seconds ?? 0) * UNIT_SECONDS.s;
  if (total <= 0 || !Number.isSafeInteger(total)) throw new DurationError(input);
  return total;
}

/** Formats seconds the way {@link toSeconds} reads them: 5400 -> `1h30m`. */
export function toDurationText(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
