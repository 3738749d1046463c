import { expect } from 'vitest';
import type { Config } from '../../config/env';
import type { Stall } from '../../clients/shared/query-long-lived';
import type { Stack } from './stack';

/** The stack's config with a workflow task queue no worker polls: what it starts, nobody runs. */
export function withoutWorkflowWorker(stack: Stack): Config {
  return { ...stack.config, temporal: { ...stack.config.temporal, workflowTaskQueue: `nobody.${stack.storeHash}` } };
}

/**
 * A store's long-lived workflow that no worker runs does not answer its query, and its stall
 * finder counts it; a store whose workflow was never started is not counted. Terminates it after.
 */
export async function expectUnansweredCountsAsStalled(
  stack: Stack,
  kind: {
    start: (config: Config, storeHash: string) => Promise<unknown>;
    find: (storeHashes: string[], opts: { stallAfterMs: number; queryTimeoutMs: number }) => Promise<Stall[]>;
    workflowId: (storeHash: string) => string;
    queryName: string;
  },
): Promise<void> {
  const orphan = `${stack.storeHash}orphan`;
  await kind.start(withoutWorkflowWorker(stack), orphan);
  const stalls = await kind.find([orphan, `${stack.storeHash}never`], { stallAfterMs: 60_000, queryTimeoutMs: 1_500 });
  expect(stalls.map((s) => s.storeHash)).toEqual([orphan]);
  expect(stalls[0]!.why).toMatch(new RegExp(`does not answer its ${kind.queryName} query`));
  await stack.client.workflow.getHandle(kind.workflowId(orphan)).terminate('test done');
}
