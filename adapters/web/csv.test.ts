import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV exports', () => {
  it('quotes commas, quotes and line breaks, and ends lines with CRLF', () => {
    expect(toCsv(['a', 'b'], [['x, y', 'say "hi"'], ['line\nbreak', 3.5], [null, undefined]])).toBe('a,b\r\n"x, y","say ""hi"""\r\n"line\nbreak",3.5\r\n,\r\n');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(toCsv(['name'], [['=HYPERLINK("http://evil")'], ['+1'], ['-2'], ['@SUM(A1)']])).toBe('name\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n');
    // Negative numbers are numbers, not text: left alone.
    expect(toCsv(['n'], [[-2]])).toBe('n\r\n-2\r\n');
  });
});
