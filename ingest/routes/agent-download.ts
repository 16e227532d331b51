/**
 * The sync agent, served by the service so operators install it from the DeepClaw they already
 * trust:
 *
 *   GET /agent/deepclaw-agent.mjs          the bundle, with `X-Content-SHA256` (and an ETag of it)
 *   GET /agent/deepclaw-agent.mjs.sha256   `<hex>  deepclaw-agent.mjs`, the format `sha256sum -c` reads
 *
 * The bundle is built by `npm run build:agent` (part of a deploy's build step) into dist/. The
 * service reads it from there rather than bundling at start-up: the bundler is a devDependency a
 * production install does not have. Until it is built, both answer 503 with the command to run;
 * a rebuild is picked up on the next request (the file's size and mtime are checked each time).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { AppDependencies, AppState } from '../app.ts';

export const DEFAULT_AGENT_BUNDLE_PATH = fileURLToPath(new URL('../../dist/deepclaw-agent.mjs', import.meta.url));
const FILE_NAME = 'deepclaw-agent.mjs';

interface Bundle {
  bytes: Buffer;
  sha256: string;
  size: number;
  mtimeMs: number;
}

export interface AgentDownloadDependencies extends Pick<AppDependencies, 'logger'> {
  /** Where the built bundle is; dist/deepclaw-agent.mjs by default. */
  agentBundlePath?: string;
}

export function agentDownloadRoutes(router: Router<AppState>, deps: AgentDownloadDependencies): void {
  const path = deps.agentBundlePath ?? DEFAULT_AGENT_BUNDLE_PATH;
  let cached: Bundle | undefined;

  const load = async (): Promise<Bundle | undefined> => {
    let info;
    try {
      info = await stat(path);
    } catch {
      cached = undefined;
      return undefined;
    }
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
    const bytes = await readFile(path);
    cached = { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: info.size, mtimeMs: info.mtimeMs };
    return cached;
  };

  const notBuilt = (ctx: ParameterizedContext<AppState>) => {
    deps.logger.warn({ requestId: ctx.state.requestId, path }, 'agent bundle requested but not built');
    ctx.status = 503;
    ctx.body = { error: 'agent_not_built', message: 'the sync agent is not built on this server yet; run `npm run build:agent` there (no restart needed)' };
  };

  router.get(`/agent/${FILE_NAME}`, async (ctx) => {
    const bundle = await load();
    if (!bundle) return notBuilt(ctx);
    const etag = `"${bundle.sha256}"`;
    ctx.set('X-Content-SHA256', bundle.sha256);
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Content-Disposition', `attachment; filename="${FILE_NAME}"`);
    if (ctx.get('If-None-Match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = bundle.bytes;
  });

  router.get(`/agent/${FILE_NAME}.sha256`, async (ctx) => {
    const bundle = await load();
    if (!bundle) return notBuilt(ctx);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = `${bundle.sha256}  ${FILE_NAME}\n`;
  });
}
