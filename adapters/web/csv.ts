/**
 * RFC 4180 CSV. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at
 * its start: a cron job or model name from a snapshot could be one) is prefixed with `'`, the
 * OWASP advice against CSV injection; numbers are written as numbers.
 */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const lines = [header, ...rows].map((row) => row.map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
