/**
 * The data boundary, enforced on what ingest receives: no string anywhere in a snapshot (values
 * or keys) may look like a credential, and none may hold text Postgres cannot store (NUL, lone
 * UTF-16 surrogates), which would otherwise fail deep inside a write.
 *
 * Fast path: when the JSON text holds no backslash at all, every string the parser produced
 * appears in it character for character, so one combined pattern over the raw text decides (the
 * quotes, colons and commas between strings are characters no credential pattern can span). Any
 * escape — `\n` before a key as much as `\u0041` — means the raw text and the parsed strings differ,
 * so then the parsed strings themselves are scanned. The raw scan can also see text the parser
 * dropped (the first of two duplicate keys); such a snapshot is refused only if its parsed value
 * holds the problem, and what is stored is always a re-serialisation of that value.
 */
import { findSecretKind } from '../secret-patterns.ts';

export type StringProblem =
  | { problem: 'secret'; secretKind: string; path: string }
  | { problem: 'unstorable_text'; path: string };

/** The first problem in `value` (parsed from `rawJson`), or undefined when every string is fine. */
export function inspectStrings(value: unknown, rawJson?: string): StringProblem | undefined {
  if (rawJson !== undefined && !rawJson.includes('\\')) {
    return findSecretKind(rawJson) === undefined ? undefined : locateProblem(value, '');
  }
  const strings: string[] = [];
  collectStrings(value, strings);
  let unstorable = false;
  for (const text of strings) {
    if (text.includes('\u0000') || !text.isWellFormed()) {
      unstorable = true;
      break;
    }
  }
  // NUL never occurs in a credential pattern, so it safely separates the strings.
  if (!unstorable && findSecretKind(strings.join('\u0000')) === undefined) return undefined;
  return locateProblem(value, '');
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      into.push(key);
      collectStrings((value as Record<string, unknown>)[key], into);
    }
  }
}

function locateProblem(value: unknown, path: string): StringProblem | undefined {
  if (typeof value === 'string') return problemOf(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locateProblem(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      const childPath = path ? `${path}.${key}` : key;
      // A key's own text is never put in the path: it may be the very secret.
      const keyProblem = problemOf(key, `${path ? `${path}.` : ''}<key>`);
      if (keyProblem) return keyProblem;
      const found = locateProblem((value as Record<string, unknown>)[key], childPath);
      if (found) return found;
    }
  }
  return undefined;
}

function problemOf(text: string, path: string): StringProblem | undefined {
  if (text.includes('\u0000') || !text.isWellFormed()) return { problem: 'unstorable_text', path };
  const secretKind = findSecretKind(text);
  return secretKind ? { problem: 'secret', secretKind, path } : undefined;
}
