import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.deepclaw/**'],
    // Storage-backed suites start an embedded Postgres (PGlite) each; two cores run two files at once.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
