import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: the dashboard in a real browser (Debian's chromium, driven by
 * playwright-core). Apart from `npm test`, which must pass on a machine with no system packages.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
