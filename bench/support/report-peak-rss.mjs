// Preloaded by bench/agent.ts (`node --import`): prints the process's peak RSS when it exits.
// Read from /proc/self/status (VmHWM) where there is one: getrusage's maxrss also counts the
// parent's memory that the child had between fork and exec. Plain JavaScript on purpose: a .ts
// preload would load the type stripper, whose memory would be counted against the agent.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    // not Linux: the rusage figure, an upper bound
  }
  process.stderr.write(`peak-rss-kb ${kb}\n`);
});
