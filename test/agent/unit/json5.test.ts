/** The JSON5 reader for openclaw.json: the spec's syntax, and errors that never quote the text. */
import { describe, expect, it } from 'vitest';
import { parseJson5 } from '../../../agent/openclaw/json5.ts';

describe('parseJson5', () => {
  it('reads what JSON5 allows', () => {
    const text = `// a comment
    {
      /* block */ unquoted: 'single',
      "quoted": "double \\"escaped\\" \\u0041 \\x42",
      trailing: [1, 2, 3,],
      hex: 0xFF, negative: -.5, positive: +1e3, big: Infinity, notANumber: NaN,
      nested: { deep: { deeper: true, nothing: null } },
      multi: 'line \\
continued',
      $dollar_and_ünïcode: 1,
    }`;
    expect(parseJson5(text)).toEqual({
      unquoted: 'single',
      quoted: 'double "escaped" A B',
      trailing: [1, 2, 3],
      hex: 255,
      negative: -0.5,
      positive: 1000,
      big: Infinity,
      notANumber: NaN,
      nested: { deep: { deeper: true, nothing: null } },
      multi: 'line continued',
      $dollar_and_ünïcode: 1,
    });
  });

  it('reads every fixture config like JSON would after stripping comments', () => {
    expect(parseJson5('{"a": [1, {"b": "c"}], "d": false}')).toEqual({ a: [1, { b: 'c' }], d: false });
  });

  it('keeps __proto__ a plain key', () => {
    const parsed = parseJson5('{ __proto__: { polluted: true } }') as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(['__proto__']);
  });

  it.each([
    ['{ a: 1', 'expected "," or "}" at line 1'],
    ['{ a: "secret-value', 'unterminated string at line 1'],
    ['{ a: 01 }', 'invalid number at line 1, column 6'],
    ['{ a: "x" } trailing', 'unexpected content after the value'],
    ['{ /* open', 'unterminated comment'],
    ['', 'unexpected end of input'],
  ])('refuses %j, naming the place but not the content', (text, message) => {
    let error: Error | undefined;
    try {
      parseJson5(text);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('secret-value');
  });
});
