import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestReconcile, findReconcileStalls } from '../../clients/monitoring';
import { reconcileStateQuery, reconcileWorkflowId } from '../../workflows/monitoring/reconcile.contract';
import { expectUnansweredCountsAsStalled } from '../support/orphan-stall';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Reconciliation is the safety net for lost webhooks; when the net itself stops (its run stuck,
 * its schedule paused, nobody running its workflow task), nothing fails or parks. The alert
 * monitor's stall check (`reconcile-stalled` alert) must see it, and not a store whose last run is
 * recent.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('reconciliation: a safety net that stopped is found', () => {
  it('counts a store as stalled once its last finished run is older than the limit, not before', async () => {
    await requestReconcile(stack.client, stack.config, stack.storeHash, { reason: 'test' });
    const handle = stack.client.workflow.getHandle(reconcileWorkflowId(stack.storeHash));
    const last = await eventually(async () => (await handle.query(reconcileStateQuery)).lastRun ?? undefined, 'a finished run', 20_000);
    expect(await findReconcileStalls(stack.client, [stack.storeHash], { stallAfterMs: 60_000 })).toEqual([]);
    const later = Date.parse(last.at) + 90_000;
    const stalls = await findReconcileStalls(stack.client, [stack.storeHash], { stallAfterMs: 60_000, nowMs: later });
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.why).toMatch(/no reconciliation run has finished for 90 s/);
  });

  it('a reconciliation whose workflow task nobody runs does not answer, and counts as stalled; a store never started does not', async () => {
    await expectUnansweredCountsAsStalled(stack, {
      start: (config, storeHash) => requestReconcile(stack.client, config, storeHash, { reason: 'test: no workflow worker' }),
      find: (storeHashes, opts) => findReconcileStalls(stack.client, storeHashes, opts),
      workflowId: reconcileWorkflowId,
      queryName: 'state',
    });
  });
});
