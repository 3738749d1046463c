import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInventoryStalls } from '../../clients/inventory';
import { inventoryChangesSignal, inventorySummaryQuery } from '../../workflows/inventory/inventory-sync.contract';
import { inventoryHarness, level, type InventoryHarness } from '../support/inventory-harness';
import { eventually } from '../support/stack';

/**
 * An inventory sync can stop making progress without failing: its write waits for a BigCommerce
 * worker that is gone, or nobody runs its workflow task. Nothing parks, nothing fails; the alert
 * monitor's stall check (`inventory-stalled` alert) must still see it.
 */
let harness: InventoryHarness;
beforeAll(async () => {
  harness = await inventoryHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('inventory: a sync that stops making progress without failing is found', () => {
  it('a change waiting for a BigCommerce worker that never comes counts as stalled once older than the limit; a healthy store does not', async () => {
    const stuck = await harness.startStore({}, { bigCommerceWorker: false });
    const healthy = await harness.startStore();
    const t0 = Date.now() - 1_000;
    for (const store of [stuck, healthy]) await store.handle.signal(inventoryChangesSignal, { levels: [level('A', 10, 10, t0)] });
    await eventually(() => healthy.writes[0], 'the healthy store writes', 10_000);
    // The stuck store's flush has started (its lookup is scheduled, never picked up).
    await eventually(async () => ((await stuck.handle.query(inventorySummaryQuery)).stats.flushes > 0 ? true : undefined), 'the stuck flush starts', 10_000);
    const summary = await stuck.handle.query(inventorySummaryQuery);
    expect(summary.dirty).toBe(0);
    expect(summary.waitingSince).not.toBeNull();

    expect(await findInventoryStalls(harness.client, [stuck.storeHash, healthy.storeHash], { stallAfterMs: 60_000 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 800));
    const stalls = await findInventoryStalls(harness.client, [stuck.storeHash, healthy.storeHash], { stallAfterMs: 500 });
    expect(stalls.map((s) => s.storeHash)).toEqual([stuck.storeHash]);
    expect(stalls[0]!.why).toMatch(/has waited \d+ s to be written/);
    await stuck.handle.terminate('test done');
    await healthy.handle.terminate('test done');
  });

  it('a sync whose workflow task nobody runs does not answer, and counts as stalled; a store never started does not', async () => {
    const orphan = await harness.startStore({}, { workflowWorker: false, bigCommerceWorker: false });
    const stalls = await findInventoryStalls(harness.client, [orphan.storeHash, 'neverstarted'], { stallAfterMs: 60_000, queryTimeoutMs: 1_500 });
    expect(stalls.map((s) => s.storeHash)).toEqual([orphan.storeHash]);
    expect(stalls[0]!.why).toMatch(/does not answer its summary query/);
    await orphan.handle.terminate('test done');
  });
});
