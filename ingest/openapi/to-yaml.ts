/**
 * JSON data as block-style YAML, deterministically: the same value always gives the same text, so
 * a test can compare a committed document with a fresh one byte for byte.
 *
 * Hand-written because the project has no YAML library and a generated document needs only this
 * much: objects, arrays, strings, numbers, booleans and null, in key order. A string is written
 * plain only when no YAML parser could read it as anything else (a number, `true`, `null`, `no`,
 * a key-value pair, a comment); every other string is written as a JSON string, which is valid
 * YAML double-quoted style.
 */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

const PLAIN_STRING = /^[A-Za-z_$/][A-Za-z0-9_ .\/(),;'=+-]*$/;
/** Words YAML 1.1 parsers (still common) read as booleans or null. */
const RESERVED_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null']);

export function toYaml(value: Json): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function lines(value: Json, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item: Json) => {
      if (isScalarOrEmpty(item)) return [`${pad}- ${scalar(item)}`];
      // The item's first line goes beside the dash; the rest line up under it.
      const [first, ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first!.slice(indent + 2)}`, ...rest];
    });
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter((entry): entry is [string, Json] => entry[1] !== undefined);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) =>
      isScalarOrEmpty(item) ? [`${pad}${text(key)}: ${scalar(item)}`] : [`${pad}${text(key)}:`, ...lines(item, indent + 2)],
    );
  }
  return [`${pad}${scalar(value)}`];
}

function isScalarOrEmpty(value: Json): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.values(value).every((item) => item === undefined);
  return true;
}

function scalar(value: Json): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML: JSON has no such number`);
  return String(value);
}

function text(value: string): string {
  return PLAIN_STRING.test(value) && !value.endsWith(' ') && !RESERVED_WORDS.has(value.toLowerCase()) ? value : JSON.stringify(value);
}
