/** Random damage to valid snapshots, for property tests of everything that reads them. */
import fc from 'fast-check';

/** Replaces the value at a random path of `value` with `replacement`, or deletes it. */
export function mutate(value: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  if (entries.length === 0) return replacement;
  const [key, child] = entries[path[0]! % entries.length]!;
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string | number, unknown>;
  if (remove && path.length === 1) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(Number(key), 1);
    else delete copy[key];
    return copy;
  }
  copy[key] = mutate(child, path.slice(1), replacement, remove);
  return copy;
}

export const anyJson = fc.jsonValue({ maxDepth: 3 });
export const strangeString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-11-21T24:00:00Z', '2026-11-21T20:00:00+15:00', 'sk-ant-' + 'a'.repeat(30), 'x'.repeat(300), '-1', 'NaN', '__proto__'),
);
export const strangeNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-1, 0, 2 ** 53, 1e300, 0.5, 2 ** 31, 86_401, 9));
