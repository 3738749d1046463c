import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogStalls } from '../../ops/catalog-stall';
import { requestCatalogRun } from '../../ops/catalog';
import { catalogStateQuery, catalogWorkflowId } from '../../workflows/catalog-sync';
import { runCatalog } from '../support/store-calls';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * A catalog run can stop making progress without failing: its calls wait for a BigCommerce worker
 * that is gone, or nobody runs its workflow task. Nothing parks, nothing fails; the alert monitor's
 * stall check (`catalog-stalled` alert) must still see it, and must not see a healthy store.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ CATALOG_OVERLAP: '0s' });
  const items = [{ sku: 'ST-1', displayName: 'Stall widget', weight: 1, prices: { 'Base Price': 5 } }];
  const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await stack?.close();
});

describe('catalog: a run that stops making progress without failing is found', () => {
  it('a run whose BigCommerce calls no worker takes counts as stalled once older than the limit; a store whose run finished does not', async () => {
    const healthy = stack.storeHash;
    const finished = await runCatalog(stack, 'test: healthy');
    expect(finished.lastRun?.counts.productsCreated).toBe(1);
    // A second store of the same ERP, without a BigCommerce worker: its run reads the ERP page, then waits for ever.
    const stuck = `${stack.storeHash}nobc`;
    await requestCatalogRun(stack.client, stack.config, stuck, { reason: 'test: no BigCommerce worker' });
    const running = await eventually(async () => (await stack.client.workflow.getHandle(catalogWorkflowId(stuck)).query(catalogStateQuery)).running ?? undefined, 'the stuck run starts', 10_000);
    expect(running.counts.pages).toBe(0);

    expect(await findCatalogStalls(stack.client, [stuck, healthy], { stallAfterMs: 60_000 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 800));
    const stalls = await findCatalogStalls(stack.client, [stuck, healthy], { stallAfterMs: 500 });
    expect(stalls.map((s) => s.storeHash)).toEqual([stuck]);
    expect(stalls[0]!.why).toMatch(/has not finished a page for \d+ s \(started .*, 0 pages done\)/);
    await stack.client.workflow.getHandle(catalogWorkflowId(stuck)).terminate('test done');
  });

  it('a catalog workflow whose workflow task nobody runs does not answer, and counts as stalled; a store never started does not', async () => {
    const orphan = `${stack.storeHash}orphan`;
    const nobody = { ...stack.config, temporal: { ...stack.config.temporal, workflowTaskQueue: `nobody.${stack.storeHash}` } };
    await requestCatalogRun(stack.client, nobody, orphan, { reason: 'test: no workflow worker' });
    const stalls = await findCatalogStalls(stack.client, [orphan, `${stack.storeHash}never`], { stallAfterMs: 60_000, queryTimeoutMs: 1_500 });
    expect(stalls.map((s) => s.storeHash)).toEqual([orphan]);
    expect(stalls[0]!.why).toMatch(/does not answer its state query/);
    await stack.client.workflow.getHandle(catalogWorkflowId(orphan)).terminate('test done');
  });
});
