import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
