#!/usr/bin/env node
// The `deepclaw` bin. Plain JavaScript so that an older Node gets a clear message instead of a
// syntax error: the CLI itself is TypeScript run through Node 24's type stripping.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`deepclaw: needs Node.js 24 or newer (this is ${process.version}); run it as: npm run deepclaw -- <command>\n`);
  process.exit(2);
}
await import('../bot/cli/main.ts');
