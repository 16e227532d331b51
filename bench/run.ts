/**
 * `npm run bench -- <name> [flags]`: runs bench/<name>.ts. Each benchmark prints its figures and,
 * as its last line, one JSON object with the ratio to a baseline measured in the same run.
 * Benchmarks are never part of `npm test`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

const [name, ...flags] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`${name ? `unknown benchmark "${name}". ` : ''}Usage: npm run bench -- <${available.join('|')}> [flags]\n`);
  process.exit(2);
}
process.argv = [process.argv[0]!, `${benchDir}${name}.ts`, ...flags];
await import(`./${name}.ts`);
