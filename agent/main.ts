#!/usr/bin/env node
/**
 * The `deepclaw-agent` executable: wires the real world (process env, clock, fetch, stdio,
 * SIGTERM/SIGINT) into the CLI and exits with its code. `npm run build:agent` bundles this file
 * and everything it imports into dist/deepclaw-agent.mjs.
 */
import { setFlagsFromString } from 'node:v8';
import { runAgentCli } from './cli.ts';
import { systemClock } from './clock.ts';
import { httpPost } from './http-post.ts';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`deepclaw-agent: needs Node.js 24 or newer (this is ${process.version}); install it from https://nodejs.org\n`);
  process.exit(2);
}

// The agent's hot paths are native (byte search, JSON.parse, SQLite, zstd); V8's optimizing
// compilers would make it ~25% faster at reading and cost 10–15 MB of RSS on the gateway's host
// (bench/agent.ts). Baseline compilation (Sparkplug) stays on.
setFlagsFromString('--no-opt');
setFlagsFromString('--no-maglev');

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => stop.abort());
}

process.exitCode = await runAgentCli(process.argv.slice(2), {
  env: process.env,
  clock: systemClock,
  random: Math.random,
  fetch: httpPost,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
