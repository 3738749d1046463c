import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The sandbox package from its sources (a path from the project root), the same modules tests
    // import by path; the build and the built commands use its dist/.
    alias: { '@bigcommerce-sync/sandbox': '/sandbox/index.ts' },
  },
  test: {
    // The sandbox's own tests (conformance with the vendors' specs) run in its package: npm test -w sandbox.
    include: ['test/**/*.test.ts'],
    // One real Temporal dev server for the whole run, started here and shared by address.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Two cores: files run one after another so timings stay honest and the dev server is not starved.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    globals: false,
  },
});
