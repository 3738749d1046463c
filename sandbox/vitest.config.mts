import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Collects the conformance files' checked responses and prints the run's summary line.
    globalSetup: ['test/support/global-setup.ts'],
    // Two cores: one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globals: false,
  },
});
