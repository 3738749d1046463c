import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedRunSawChange } from '../../clients/orders';
import { requestReconcile } from '../../clients/monitoring';
import { reconcileStateQuery, reconcileWorkflowId } from '../../workflows/monitoring/reconcile.contract';
import { orderStateQuery } from '../../workflows/orders/order-sync.contract';
import { recordHistory } from '../support/histories';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Reconciliation hands an order to its workflow only when the workflow may have missed the change:
 * an order whose run completed after reading it starts no new run (no second ERP write, no billed
 * start); one changed after that run, with its webhook lost, does.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ ORDER_QUIET_PERIOD: '2s' });
});
afterAll(async () => {
  await stack?.close();
});

const generate = async (): Promise<number> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/__sandbox/orders/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1, status_id: 11, multi_address: false }),
  });
  return ((await res.json()) as { ids: number[] }).ids[0]!;
};
const runs = async (id: number): Promise<number> => {
  let n = 0;
  for await (const _ of stack.client.workflow.list({ query: `WorkflowId = "order:${stack.storeHash}:${id}"` })) n++;
  return n;
};
const erpWrites = async (id: number): Promise<number> =>
  ((await (await fetch(`${stack.sandboxes.erpUrl}/__sandbox/summary`)).json()) as { salesOrderWrites: Record<string, number> }).salesOrderWrites[`bc-${stack.storeHash}-${id}`] ??
  0;
const webhookFaults = (body: unknown) =>
  fetch(`${stack.sandboxes.bcUrl}/__sandbox/webhook-faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function reconcileNow(sinceS: number): Promise<void> {
  const handle = stack.client.workflow.getHandle(reconcileWorkflowId(stack.storeHash));
  const before = await handle
    .query(reconcileStateQuery)
    .then((s) => s.runs)
    .catch(() => 0);
  await requestReconcile(stack.client, stack.config, stack.storeHash, { sinceS, reason: 'test' });
  await eventually(async () => ((await handle.query(reconcileStateQuery)).runs > before ? true : undefined), 'the reconciliation run');
}

describe('reconciliation hands over only what a workflow may have missed', () => {
  it('starts no new run for an order whose completed run read it after its change, and one for a change made after it', async () => {
    const sinceS = Math.floor(Date.now() / 1000) - 1;
    const id = await generate();
    const workflowId = `order:${stack.storeHash}:${id}`;
    // Shipped in BigCommerce (terminal): the run ends after its quiet period.
    await eventually(async () => ((await stack.client.workflow.getHandle(workflowId).query(orderStateQuery)).status === 'Synced' ? true : undefined), 'synced');
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/orders/${id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status_id: 10 }),
    });
    await eventually(async () => ((await stack.client.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED' ? true : undefined), 'the run to complete', 30_000);
    expect(await erpWrites(id)).toBe(1);

    await reconcileNow(sinceS);
    expect(await runs(id)).toBe(1);
    expect(await erpWrites(id)).toBe(1);

    // A change whose webhook is lost, after the run ended: reconciliation must start a new run.
    await new Promise((r) => setTimeout(r, 1_100));
    await webhookFaults({ dropRate: 1 });
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/orders/${id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status_id: 5 }),
    });
    await webhookFaults({ dropRate: 0 });
    await reconcileNow(sinceS);
    await eventually(async () => ((await runs(id)) === 2 ? true : undefined), 'a new run for the missed change');
    // The cancellation reaches the ERP (its order closed: one write, the close).
    await eventually(async () => ((await erpWrites(id)) === 2 ? true : undefined), 'the ERP order closed');
    await recordHistory(stack.client.workflow.getHandle(workflowId), 'order-sync-v3-new-run-closes-cancelled-order');
  });

  it('judges a completed run by its last read', () => {
    expect(closedRunSawChange({ lastReadAtS: 101 }, 100)).toBe(true);
    expect(closedRunSawChange({ lastReadAtS: 100 }, 100)).toBe(true);
    expect(closedRunSawChange({ lastReadAtS: 99 }, 100)).toBe(false);
    expect(closedRunSawChange({ status: 'Synced' }, 100)).toBe(false);
    expect(closedRunSawChange(null, 100)).toBe(false);
  });
});
