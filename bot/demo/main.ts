/**
 * `npm run demo [-- --fast] [-- --data-dir <dir>]`: see run-demo.ts. Ctrl-C (or SIGTERM) stops
 * the fleet and the service and removes the throwaway data dir; `--fast` plays a ~30-second
 * version, prints the summary and exits by itself (0 when every scripted event happened).
 *
 * Exit codes: 0 done · 1 a scripted event did not happen, or the demo failed · 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import { ConfigError, environmentWithDotenv } from '../config.ts';
import { DeepClawError } from '../errors.ts';
import { runDemo } from './run-demo.ts';

const USAGE = 'Usage: npm run demo [-- --fast] [-- --data-dir <dir>]';

let flags: { fast: boolean; 'data-dir'?: string };
try {
  flags = parseArgs({ options: { fast: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } }, strict: true }).values;
} catch (error) {
  process.stderr.write(`deepclaw demo: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) return;
    process.stdout.write('\nStopping the demo…\n');
    stop.abort();
    // The service's shutdown is bounded, so this never fires; if it ever does, say so and go.
    setTimeout(() => {
      process.stderr.write('deepclaw demo: did not stop within 20 s; exiting anyway.\n');
      process.exit(1);
    }, 20_000).unref();
  });
}

try {
  const code = await runDemo({
    pace: flags.fast ? 'fast' : 'full',
    ...(flags['data-dir'] ? { dataDir: flags['data-dir'] } : {}),
    env: environmentWithDotenv(process.env),
    write: (text) => process.stdout.write(text),
    signal: stop.signal,
  });
  if (stop.signal.aborted) process.stdout.write('Demo stopped.\n');
  // Everything is closed; leave no lingering handle (stdin, a log transport) to keep us up.
  process.exit(code);
} catch (error) {
  if (error instanceof ConfigError) for (const problem of error.problems) process.stderr.write(`deepclaw demo: ${problem}\n`);
  else if (error instanceof DeepClawError) process.stderr.write(`deepclaw demo: ${error.message}\n`);
  else process.stderr.write(`deepclaw demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
