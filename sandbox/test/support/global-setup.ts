import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { IN_SCOPE_OPERATIONS } from '../conformance/scope';
import type { CheckResult } from '../conformance/spec-validator';

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceDir: string;
  }
}

/** A folder where each conformance file leaves its checked responses, summed up in one line at the end. */
export default function setup(project: TestProject) {
  const conformanceDir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-sandbox-conformance-'));
  project.provide('conformanceDir', conformanceDir);
  return () => {
    printConformanceSummary(conformanceDir);
    rmSync(conformanceDir, { recursive: true, force: true });
  };
}

/** One line for the whole run: which in-scope BigCommerce operations were exercised, and how responses fared. */
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
