import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../cli/dev-server';
import { bundleWorkflows } from '../../workers/start-workers';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * Starts the real Temporal dev server (the `temporal` CLI binary: TEMPORAL_CLI_PATH, PATH, or
 * Python's scripts folder) once per test run, and bundles the workflow code once. Nothing here is
 * mocked: tests that need Temporal fail, loudly, when it cannot start.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const [env, bundle] = await Promise.all([startDevServer({ logLevel: 'error' }), bundleWorkflows()]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-test-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  console.log(`[global-setup] Temporal dev server at ${env.address}, workflows bundled, in ${Date.now() - started} ms`);
  return async () => {
    await env.teardown();
  };
}
