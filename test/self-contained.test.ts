/**
 * The repository must work from a clone with nothing beside it: no test, bench, script or source
 * file may reach outside it (the OpenClaw fixtures live in test/fixtures/openclaw for that reason).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_DIRS = ['adapters', 'agent', 'bench', 'bin', 'bot', 'ingest', 'migrations', 'test', '.ci'];
const SOURCE_FILE = /\.(ts|mjs|js|sh|json)$|^run$/;
// The sibling folder a clone does not have, as a path or joined from parts; spelled from pieces
// here so this file does not name it itself.
const SIBLING = ['sha', 'red'].join('');
const LEAVES_REPOSITORY = new RegExp(`\\.\\./${SIBLING}\\b|['"]\\.\\.['"]\\s*,\\s*['"]${SIBLING}['"]`);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures' && entry.name !== 'state-dirs') yield* sourceFiles(path);
    } else if (SOURCE_FILE.test(entry.name)) {
      yield path;
    }
  }
}

it('reads nothing from outside the repository', () => {
  const offenders = SOURCE_DIRS.flatMap((dir) => [...sourceFiles(join(ROOT, dir))])
    .filter((file) => LEAVES_REPOSITORY.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
  expect(offenders).toEqual([]);
  expect(LEAVES_REPOSITORY.test(readFileSync(join(ROOT, 'package.json'), 'utf8'))).toBe(false);
});
