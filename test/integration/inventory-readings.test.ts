import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpLevel } from '../../domain/inventory/levels';
import { inventoryChangesSignal, inventorySaleSignal, inventorySummaryQuery } from '../../workflows/inventory/inventory-sync.contract';
import { recordHistory } from '../support/histories';
import { inventoryHarness, type InventoryHarness, type InventoryStore } from '../support/inventory-harness';
import { eventually } from '../support/stack';

/**
 * The tracking lookup reads, once per SKU, what BigCommerce shows at every location. A SKU's first
 * ERP level at one location often comes after that read (a later flush, the sweep): the reading of
 * that location is kept until then, so a level the store already shows is not written (an echo
 * write: a call or an item for nothing, and one more absolute write racing the store's own sales).
 * The same for the store's own sales reported while one of our writes is out: one stamped surely
 * after BigCommerce took the write is already off what the store shows. And a run continued as new
 * while changes wait for the quiet window keeps waiting for it (it wrote them at once before: an
 * extra flush, with its own lookups and write, in the middle of a burst).
 * Driven message by message on the real dev server; BigCommerce answered by a recording stand-in.
 */

let harness: InventoryHarness;
beforeAll(async () => {
  harness = await inventoryHarness();
});
afterAll(async () => {
  await harness?.close();
});

const nthWrite = (store: InventoryStore, n: number) => eventually(() => store.writes[n - 1], `write ${n}`, 15_000);
const settle = () => new Promise((r) => setTimeout(r, 1_200));
// ERP change times well before the sales below: no level is ambiguous about an order's booking.
const t0 = Date.now() - 60_000;
const at = (sku: string, location: string, available: number): ErpLevel => ({ sku, location, quantityAvailable: available, quantityOnHand: available, changedAtMs: t0 });

describe('inventory: what the lookup read at a location whose ERP level had not come yet', () => {
  it('is kept: a level the store already shows there is not written; BigCommerce sales surely after the read are taken off it, unsure ones drop it', async () => {
    const store = await harness.startStore(
      { locations: { '1': 1, '2': 2 }, safetyBuffer: 1 },
      { shown: { A: { 1: 9, 2: 4 }, B: { 1: 0, 2: 7 }, C: { 1: 6, 2: 3 }, D: { 1: 5, 2: 0 } } },
    );
    // Location 1 first: A is written (19), B already shows 0.
    await store.handle.signal(inventoryChangesSignal, { levels: [at('A', '1', 20), at('B', '1', 1)] });
    expect(await nthWrite(store, 1)).toEqual({ A: 19 });
    // Then location 2, known from the same read: A shows 4 (right), B shows 7 (written 4).
    await store.handle.signal(inventoryChangesSignal, { levels: [at('A', '2', 5), at('B', '2', 5)] });
    expect(await nthWrite(store, 2)).toEqual({ B: 4 });
    await settle();
    expect(store.writes).toHaveLength(2);

    // C and D come at location 2 first: both right there, nothing written.
    await store.handle.signal(inventoryChangesSignal, { levels: [at('C', '2', 4), at('D', '2', 1)] });
    await eventually(() => store.lookups[1], 'the second lookup', 10_000);
    await settle();
    expect(store.writes).toHaveLength(2);
    // BigCommerce sells 2 C surely after the read (6 -> 4), and 1 D at a time that may be before it.
    const nowS = Math.floor(Date.now() / 1000);
    await store.handle.signal(inventorySaleSignal, { orderId: 1, units: { C: 2 }, orderCreatedS: nowS + 2 });
    await store.handle.signal(inventorySaleSignal, { orderId: 2, units: { D: 1 }, orderCreatedS: nowS - 30 });
    // Location 1: C should show 7 - 2 sold - 1 = 4, as the store does; D 7 - 1 - 1 = 5, unsure: written.
    await store.handle.signal(inventoryChangesSignal, { levels: [at('C', '1', 7), at('D', '1', 7)] });
    expect(await nthWrite(store, 3)).toEqual({ D: 5 });
    await settle();
    expect(store.writes).toHaveLength(3);
    expect(store.lookups).toEqual([
      ['A', 'B'],
      ['C', 'D'],
    ]);
    await recordHistory(store.handle, 'inventory-sync-v4-read-every-location');
    await store.handle.terminate('test done');
  });
});

describe("inventory: the store's sales reported while a write is out", () => {
  it('one stamped surely after BigCommerce took the write is not written again; one that may have been overwritten is', async () => {
    // BigCommerce takes 2 s to answer each write (a busy quota, a slow store).
    const store = await harness.startStore({ safetyBuffer: 1 }, { writeDelayMs: 2_000 });
    await store.handle.signal(inventoryChangesSignal, { levels: [at('X', '1', 20), at('Y', '1', 20)] });
    await eventually(() => store.writes[0], 'the write is out', 10_000);
    const nowS = Math.floor(Date.now() / 1000);
    // X: sold 4 s from now, after the write's answer (2 s): BigCommerce took 2 off the 19 we wrote.
    await store.handle.signal(inventorySaleSignal, { orderId: 1, units: { X: 2 }, orderCreatedS: nowS + 4 });
    // Y: sold before the write went out (and reported late): the write set 19 over it.
    await store.handle.signal(inventorySaleSignal, { orderId: 2, units: { Y: 2 }, orderCreatedS: nowS - 5 });
    expect(store.writes[0]).toEqual({ X: 19, Y: 19 });
    expect(await nthWrite(store, 2)).toEqual({ Y: 17 });
    await eventually(async () => ((await store.handle.query(inventorySummaryQuery)).stats.writeCalls >= 2 ? true : undefined), 'write 2 answered', 10_000);
    await settle();
    expect(store.writes).toHaveLength(2);
    await recordHistory(store.handle, 'inventory-sync-v5-sales-during-write');
    await store.handle.terminate('test done');
  });
});

describe('inventory: a run continued as new mid-wait', () => {
  it('keeps waiting for the quiet window its changes were waiting for, instead of writing them at once', async () => {
    // Continue as new after every flush; each write takes 1 s; the quiet window is 4 s.
    const store = await harness.startStore({ historyLimit: 1, quietMs: 4_000, maxWaitMs: 30_000 }, { writeDelayMs: 1_000 });
    const firstRun = (await store.handle.describe()).runId;
    await store.handle.signal(inventoryChangesSignal, { levels: [at('A', '1', 10)] });
    await eventually(() => store.writes[0], 'write 1 is out', 15_000);
    // B comes while write 1 is out: it waits for the next flush, which the next run makes.
    const bAtMs = Date.now();
    await store.handle.signal(inventoryChangesSignal, { levels: [at('B', '1', 20)] });
    await eventually(async () => ((await store.handle.describe()).runId !== firstRun ? true : undefined), 'continued as new', 10_000);
    expect(await nthWrite(store, 2)).toEqual({ B: 19 });
    // Not flushed at once by the new run: B waited its quiet window (4 s) from when it came.
    expect(Date.now() - bAtMs).toBeGreaterThan(3_500);
    await recordHistory(store.handle, 'inventory-sync-v7-carry-flush-timing');
    await store.handle.terminate('test done');
  });
});
