/**
 * `▁▂▅█▃`: a series at a glance, in any chat and any terminal (plain Unicode, no image). Scaled to
 * the series' own maximum, so it shows shape, not size; the figures go beside it.
 */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  if (max <= 0) return BARS[0]!.repeat(values.length);
  return values.map((value) => BARS[Math.min(BARS.length - 1, Math.max(0, Math.round((value / max) * (BARS.length - 1))))]).join('');
}
