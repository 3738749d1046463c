import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../cli/dev-server';
import { bundleWorkflows } from '../../workers/start-workers';
import { IN_SCOPE_OPERATIONS } from '../conformance/scope';
import type { CheckResult } from '../conformance/spec-validator';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    conformanceDir: string;
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
  const conformanceDir = path.join(dir, 'conformance');
  mkdirSync(conformanceDir);
  project.provide('conformanceDir', conformanceDir);
  console.log(`[global-setup] Temporal dev server at ${env.address}, workflows bundled, in ${Date.now() - started} ms`);
  return async () => {
    await env.teardown();
    printConformanceSummary(conformanceDir);
  };
}

/** One line for the whole run: which in-scope operations were exercised, and how responses fared. */
function printConformanceSummary(dir: string): void {
  const results: CheckResult[] = readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CheckResult[]);
  if (results.length === 0) return;
  const covered = new Set(results.filter((r) => r.operation).map((r) => r.operation!));
  const inScope = IN_SCOPE_OPERATIONS.filter((op) => covered.has(op));
  const missing = IN_SCOPE_OPERATIONS.filter((op) => !covered.has(op));
  const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
  console.log(
    `[conformance] operations covered: ${inScope.length} of ${IN_SCOPE_OPERATIONS.length} in scope` +
      (missing.length ? ` (not exercised: ${missing.join(', ')})` : '') +
      `; responses checked: ${results.length}, schema-valid: ${count('valid')}, invalid: ${count('invalid')}, ` +
      `status not declared in the spec: ${count('undocumented-status')}, no JSON schema in the spec: ${count('no-schema')}, path not in the specs: ${count('no-operation')}`,
  );
}
