/**
 * No module imports itself at run time through others. A cycle works only while every use sits
 * inside a function body, and breaks the day someone uses an import at module level; type-only
 * imports are erased and do not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FOLDERS = ['agent', 'ingest', 'bot', 'adapters', 'migrations', 'bench'];
// `import x from`, `import { a, type B } from`, `export { a } from`, `export * from`; not `import type`.
const RUNTIME_IMPORT = /^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'(\.[^']+\.ts)'|^import\s+'(\.[^']+\.ts)'/gm;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RUNTIME_IMPORT)].map((match) => resolve(dirname(file), match[1] ?? match[2]!));
}

/** Every cycle once, as the files along it, found by depth-first search. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('module graph', () => {
  it('has no runtime import cycles', () => {
    const graph = new Map(FOLDERS.flatMap(sourceFiles).map((file) => [file, runtimeImports(file)]));
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(ROOT, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
