import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogStalls, requestCatalogRun } from '../../clients/catalog';
import { ALERT_DISPATCHER_ID, ALERT_MONITOR_WORKFLOW, type AlertMonitorWorkflow } from '../../workflows/monitoring/alerts.contract';
import { catalogStateQuery, catalogWorkflowId } from '../../workflows/catalog/catalog-sync.contract';
import { expectUnansweredCountsAsStalled, withoutWorkflowWorker } from '../support/orphan-stall';
import { startReceiver } from '../support/receiver';
import { runCatalog } from '../support/store-calls';
import { eventually, startStack, type Stack } from '../support/stack';
import { recordHistory } from '../support/histories';

/**
 * A catalog run can stop making progress without failing: its calls wait for a BigCommerce worker
 * that is gone, or nobody runs its workflow task. Nothing parks, nothing fails; the alert monitor's
 * stall check (`catalog-stalled` alert) must still see it, and must not see a healthy store.
 */
let stack: Stack;
let alerts: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  alerts = await startReceiver();
  stack = await startStack({ CATALOG_OVERLAP: '0s', ALERT_WEBHOOK_URL: alerts.url });
  const items = [{ sku: 'ST-1', displayName: 'Stall widget', weight: 1, prices: { 'Base Price': 5 } }];
  const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await stack?.close();
  await alerts?.close();
});

describe('catalog: a run that stops making progress without failing is found', () => {
  it('a run whose BigCommerce calls no worker takes counts as stalled once older than the limit; a store whose run finished does not', async () => {
    const healthy = stack.storeHash;
    const finished = await runCatalog(stack, 'test: healthy');
    expect(finished.lastRun?.counts.productsCreated).toBe(1);
    // A second store of the same ERP, without a BigCommerce worker: its run reads the ERP page, then waits for ever.
    const stuck = `${stack.storeHash}nobc`;
    await requestCatalogRun(stack.client, stack.config, stuck, { reason: 'test: no BigCommerce worker' });
    const running = await eventually(
      async () => (await stack.client.workflow.getHandle(catalogWorkflowId(stuck)).query(catalogStateQuery)).running ?? undefined,
      'the stuck run starts',
      10_000,
    );
    expect(running.counts.pages).toBe(0);

    expect(await findCatalogStalls(stack.client, [stuck, healthy], { stallAfterMs: 60_000 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 800));
    const stalls = await findCatalogStalls(stack.client, [stuck, healthy], { stallAfterMs: 500 });
    expect(stalls.map((s) => s.storeHash)).toEqual([stuck]);
    expect(stalls[0]!.why).toMatch(/has not finished a page for \d+ s \(started .*, 0 pages done\)/);
    await stack.client.workflow.getHandle(catalogWorkflowId(stuck)).terminate('test done');
  });

  it('a catalog workflow whose workflow task nobody runs does not answer, and counts as stalled; a store never started does not', async () => {
    await expectUnansweredCountsAsStalled(stack, {
      start: (config, storeHash) => requestCatalogRun(stack.client, config, storeHash, { reason: 'test: no workflow worker' }),
      find: (storeHashes, opts) => findCatalogStalls(stack.client, storeHashes, opts),
      workflowId: catalogWorkflowId,
      queryName: 'state',
    });
  });

  it('the alert monitor raises catalog-stalled:<store> for the store whose catalog sync does not answer, and the alert reaches the channel', async () => {
    // The store's own catalog sync, replaced by one nobody runs.
    await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).terminate('test: replaced by a stuck one');
    await requestCatalogRun(stack.client, withoutWorkflowWorker(stack), stack.storeHash, { reason: 'test: no workflow worker' });
    // A fresh dispatcher (no cool-down left from another test), started by this stack's worker.
    await stack.client.workflow
      .getHandle(ALERT_DISPATCHER_ID)
      .terminate('test reset')
      .catch(() => undefined);
    const thresholds = { parkedThreshold: 1_000_000, failedThreshold: 1_000_000, rateLimitedPerMinute: 1_000_000 };
    const result = await stack.client.workflow.execute<AlertMonitorWorkflow>(ALERT_MONITOR_WORKFLOW, {
      workflowId: `test-alert-monitor-${stack.storeHash}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [{ intervalMs: 60_000, ...thresholds }],
    });
    expect(result.raised).toEqual([`catalog-stalled:${stack.storeHash}`]);
    expect(result.catalogStalled?.[0]?.why).toMatch(/does not answer its state query/);
    const sent = await eventually(() => alerts.received.find((a) => String(a.body.text).includes(`catalog:${stack.storeHash} does not answer`)), 'the alert delivered', 20_000);
    expect(String(sent.body.text)).toMatch(/Catalog sync of store .* is not making progress/);
    await recordHistory(stack.client.workflow.getHandle(`test-alert-monitor-${stack.storeHash}`), 'alert-monitor-v1-raises-catalog-stalled');
    await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).terminate('test done');
  });
});
