/**
 * The SHA-256 of the agent bundle this server serves, for install instructions sent in chat. Read
 * from the built file and cached by size and mtime, so a rebuild is picked up without a restart.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const AGENT_BUNDLE_PATH = fileURLToPath(new URL('../dist/deepclaw-agent.mjs', import.meta.url));

export function agentBundleSha256(path = AGENT_BUNDLE_PATH): () => Promise<string | undefined> {
  let cached: { size: number; mtimeMs: number; sha256: string } | undefined;
  return async () => {
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    if (cached?.size === info.size && cached.mtimeMs === info.mtimeMs) return cached.sha256;
    const sha256 = createHash('sha256').update(await readFile(path)).digest('hex');
    cached = { size: info.size, mtimeMs: info.mtimeMs, sha256 };
    return sha256;
  };
}
