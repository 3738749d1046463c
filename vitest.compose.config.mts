import { defineConfig } from 'vitest/config';

/**
 * `npm run test:compose`: the compose smoke test (test/compose/*.smoke.ts), apart from `npm test`.
 * It runs docker-compose.yml on the images deploy/local-images/build.sh builds (docs/deployment.md);
 * no dev server, no shared setup: everything it talks to runs in compose's containers.
 */
export default defineConfig({
  resolve: {
    alias: { '@bigcommerce-sync/sandbox': '/sandbox/index.ts' },
  },
  test: {
    include: ['test/compose/**/*.smoke.ts'],
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 12 * 60_000,
    globals: false,
  },
});
