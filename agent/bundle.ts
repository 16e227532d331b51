/**
 * `npm run build:agent`: bundles agent/main.ts and everything it imports (the snapshot contract and
 * zod included) into one dependency-free ES module, dist/deepclaw-agent.mjs, that runs on a bare
 * Node.js >= 24. Build-time only: nothing in the agent imports this file.
 *
 * Not minified: operators can read what they run on their gateway host. The build is
 * deterministic, so the published SHA-256 identifies the source.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const AGENT_BUNDLE_PATH = fileURLToPath(new URL('../dist/deepclaw-agent.mjs', import.meta.url));

const NOTICE = `// deepclaw-agent: the DeepClaw sync agent, one file, Node.js >= 24 built-ins only.
// Docs: docs/agent.md. Bundles zod (MIT License, Copyright (c) 2025 Colin McDonnell).`;

/**
 * zod's namespace export drags in its ~40 translations of error messages (~360 KB) that the agent
 * never selects. Each non-English locale is bundled as the English one: same behaviour should
 * anything ask for it, half the file size.
 */
const englishOnlyZodLocales: Plugin = {
  name: 'english-only-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/[A-Za-z-]+\.js$/ }, (args) => {
      if (!/zod[\\/]v4[\\/]locales[\\/]index\.js$/.test(args.importer) || args.path === './en.js') return undefined;
      return { path: args.importer.replace(/index\.js$/, 'en.js') };
    });
  },
};

export async function bundleAgent(outfile = AGENT_BUNDLE_PATH, entryPoint = 'agent/main.ts'): Promise<{ path: string; bytes: number; sha256: string }> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: NOTICE },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    plugins: [englishOnlyZodLocales],
  });
  const bytes = readFileSync(outfile);
  return { path: outfile, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await bundleAgent(process.argv[2]);
  process.stdout.write(`${result.path}: ${result.bytes} bytes, sha256 ${result.sha256}\n`);
}
