import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../cli/dev-server';
import { temporalSettings } from '../../config/temporal';
import { createLogger } from '../../lib/logger';
import { ensureSearchAttributes } from '../../workers/search-attributes';
import { connectClient } from '../../workers/temporal-connection';
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
  const existing = process.env.BCSYNC_TEST_TEMPORAL_ADDRESS;
  const [env, bundle] = await Promise.all([existing ? useExistingServer(existing) : startDevServer({ logLevel: 'error' }), bundleWorkflows()]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-test-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  console.log(`[global-setup] Temporal ${existing ? 'server (BCSYNC_TEST_TEMPORAL_ADDRESS)' : 'dev server'} at ${env.address}, workflows bundled, in ${Date.now() - started} ms`);
  return async () => {
    await env.teardown();
  };
}

/**
 * Opt-in: BCSYNC_TEST_TEMPORAL_ADDRESS=127.0.0.1:7333 runs the tests against a server already
 * running there (e.g. `bcsync cluster up`: Temporal on PostgreSQL) instead of a dev server of their
 * own. Its `default` namespace must exist; the search attributes are registered here if missing
 * (a server caches them for up to 60 s: `bcsync cluster up` registers them and restarts, so use it).
 */
async function useExistingServer(address: string): Promise<{ address: string; teardown: () => Promise<void> }> {
  const parsed = temporalSettings.parse({ TEMPORAL_ADDRESS: address, TEMPORAL_PAYLOAD_ENCRYPTION: 'false' });
  if (!parsed.ok) throw new Error(`BCSYNC_TEST_TEMPORAL_ADDRESS=${address}: ${parsed.issues.join('; ')}`);
  const { connection, close } = await connectClient(parsed.value, { connectTimeoutMs: 10_000 });
  try {
    await ensureSearchAttributes(connection, parsed.value.namespace, createLogger('warn', 'global-setup'));
  } finally {
    await close();
  }
  return { address, teardown: async () => {} };
}
