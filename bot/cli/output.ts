/** Plain-text tables and JSON for the admin CLI. */
import { utcMinute } from '../human-format.ts';

export interface Output {
  write(text: string): void;
}

/** Left-aligned columns separated by two spaces; the header row comes first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `2026-11-21 20:46 UTC`: readable, unambiguous, sortable. */
export function timestamp(date: Date | null | undefined): string {
  if (!date) return '-';
  return utcMinute(date);
}
