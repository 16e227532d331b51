/**
 * The dashboard's static files, from our own origin (the page must work air-gapped and under a
 * CSP that allows only 'self'): our CSS and two small scripts, and uPlot (MIT, no dependencies,
 * ~50 KB) straight from its npm package — no bundler, no build step.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Router from '@koa/router';

const require = createRequire(import.meta.url);
const uplotDir = require.resolve('uplot/dist/uPlot.iife.min.js').replace(/uPlot\.iife\.min\.js$/, '');
const own = (file: string) => new URL(`./assets/${file}`, import.meta.url);

const FILES: Record<string, { path: string | URL; type: string }> = {
  'dashboard.css': { path: own('dashboard.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: own('dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { path: own('charts.js'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { path: own('favicon.svg'), type: 'image/svg+xml' },
  'uPlot.iife.min.js': { path: `${uplotDir}uPlot.iife.min.js`, type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: `${uplotDir}uPlot.min.css`, type: 'text/css; charset=utf-8' },
};

export function assetRoutes(router: Router): void {
  // Read once: they are small, and a missing file should fail at start-up, not on a page view.
  const loaded = new Map(Object.entries(FILES).map(([name, file]) => [name, { body: readFileSync(file.path), type: file.type }]));
  router.get('/assets/:file', (ctx) => {
    const file = loaded.get(ctx.params.file!);
    if (!file) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'no such asset';
      return;
    }
    ctx.type = file.type;
    // Not fingerprinted, so not immutable: an hour, then revalidate (a deploy shows within the hour).
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file.body;
  });
}
