import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { InventoryBigCommerceActivities } from '../../activities/inventory';
import type { AbsoluteItem } from '../../domain/inventory-batches';
import { bigCommerceTaskQueue, inventoryWorkflowId } from '../../domain/ids';
import { inventoryBookedSignal, inventoryChangesSignal, inventorySaleSignal, inventorySync, type InventorySyncInput } from '../../workflows/inventory-sync';
import { recordHistory } from '../support/histories';
import { eventually } from '../support/stack';

/**
 * The order of three messages about one order is not ours to choose: BigCommerce's sale, the ERP's
 * commit event (its available quantity drops once the sales order is written) and the order
 * workflow's "booked" note. When the commit overtakes the note, the level is ambiguous by the order's
 * units. These tests drive inventorySync on the real dev server, message by message; BigCommerce's
 * two calls (tracking lookup, absolute write) are answered by a recording stand-in on the store's
 * queue, so the order and timing of each message is exact.
 */

let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;
const workers: Array<{ worker: Worker; run: Promise<void> }> = [];

beforeAll(async () => {
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.run));
  await nativeConnection?.close();
  await connection?.close();
});

interface Store {
  handle: WorkflowHandle<typeof inventorySync>;
  /** Every absolute write, in order: SKU -> quantity. */
  writes: Array<Record<string, number>>;
  lookups: string[][];
}

/** A store of one location, its inventorySync started with `overrides`, and a stand-in BigCommerce on its queue. */
async function startStore(overrides: Partial<InventorySyncInput>, opts: { lookupDelayMs?: number; shown?: Record<string, number> } = {}): Promise<Store> {
  const storeHash = `race${randomBytes(3).toString('hex')}`;
  const taskQueue = `bcsync.workflows.${storeHash}`;
  const writes: Store['writes'] = [];
  const lookups: string[][] = [];
  const bigCommerce: InventoryBigCommerceActivities = {
    async writeInventoryLevels(items: AbsoluteItem[]) {
      writes.push(Object.fromEntries(items.map((i) => [i.sku, i.quantity])));
      return { transactionId: `tx-${writes.length}` };
    },
    async lookupInventoryTracking(skus: string[]) {
      lookups.push(skus);
      if (opts.lookupDelayMs) await new Promise((r) => setTimeout(r, opts.lookupDelayMs));
      return { items: skus.map((sku, i) => ({ sku, ref: { productId: 1000 + i }, ...(opts.shown?.[sku] !== undefined ? { onHand: { 1: opts.shown[sku]! } } : {}) })), calls: 1 };
    },
  };
  for (const w of [
    await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } }),
    await Worker.create({ connection: nativeConnection, taskQueue: bigCommerceTaskQueue(storeHash), activities: bigCommerce }),
  ])
    workers.push({ worker: w, run: w.run() });
  const input: InventorySyncInput = {
    storeHash,
    erpTaskQueue: `erp.${storeHash}`,
    locations: { '1': 1 },
    orderLocation: '1',
    safetyBuffer: 1,
    quietMs: 200,
    maxWaitMs: 10_000,
    bookingWaitMs: 300,
    pendingTtlMs: 600_000,
    applyMarginMs: 0,
    sweep: { overlapMs: 60_000, initialLookbackMs: 3_600_000 },
    ...overrides,
  };
  const handle = await client.workflow.start(inventorySync, { taskQueue, workflowId: inventoryWorkflowId(storeHash), args: [input] });
  return { handle, writes, lookups };
}

const level = (sku: string, available: number, onHand: number, changedAtMs: number) => ({ sku, location: '1', quantityAvailable: available, quantityOnHand: onHand, changedAtMs });
const nthWrite = (store: Store, n: number) => eventually(() => store.writes[n - 1], `write ${n}`, 15_000);

/**
 * SKU X: ERP 30 on hand, written as 29 (buffer 1). A shopper buys 2 (BigCommerce now shows 27).
 * The ERP books the order (available 28) and receives 10 more (on hand 40, available 38), and both
 * reach us before the order's "booked" note. Until the note comes, 38 may or may not count the
 * order: 35 (safe) or 37.
 */
async function sellThenCommitAndReceive(store: Store): Promise<{ committedAtMs: number }> {
  const t0 = Date.now() - 1_000;
  await store.handle.signal(inventoryChangesSignal, { levels: [level('X', 30, 30, t0)] });
  expect(await nthWrite(store, 1)).toEqual({ X: 29 });
  // The order is stamped after the write landed: BigCommerce took its units from the 29 we wrote.
  await store.handle.signal(inventorySaleSignal, { orderId: 7, units: { X: 2 }, orderCreatedS: Math.floor(Date.now() / 1000) + 2 });
  await new Promise((r) => setTimeout(r, 300));
  const committedAtMs = Date.now();
  await store.handle.signal(inventoryChangesSignal, { levels: [level('X', 28, 30, committedAtMs), level('X', 38, 40, committedAtMs + 1)] });
  return { committedAtMs };
}

describe('inventory: an ERP commit that overtakes the order\'s "booked" note', () => {
  it('a level written while the booking was unknown (the safe reading) is corrected once the booking comes', async () => {
    const store = await startStore({ bookingWaitMs: 300 });
    const { committedAtMs } = await sellThenCommitAndReceive(store);
    // The booking wait (300 ms) runs out: the safe reading goes out.
    expect(await nthWrite(store, 2)).toEqual({ X: 35 });
    await store.handle.signal(inventoryBookedSignal, { orderId: 7, bookedAtMs: committedAtMs });
    // The ERP's 38 counts the order: 38 - 1.
    expect(await nthWrite(store, 3)).toEqual({ X: 37 });
    await recordHistory(store.handle, 'inventory-sync-v2-corrected-after-booking');
    await store.handle.terminate('test done');
  });

  it('the write waits (INVENTORY_BOOKING_WAIT) for a booking on its way, and one write carries the right level', async () => {
    const store = await startStore({ bookingWaitMs: 8_000 });
    const { committedAtMs } = await sellThenCommitAndReceive(store);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(store.writes).toHaveLength(1);
    await store.handle.signal(inventoryBookedSignal, { orderId: 7, bookedAtMs: committedAtMs });
    expect(await nthWrite(store, 2)).toEqual({ X: 37 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(store.writes).toHaveLength(2);
    await store.handle.terminate('test done');
  });

  it('changes that come in while a flush waits for its tracking lookup ride in the same write', async () => {
    const store = await startStore({}, { lookupDelayMs: 1_500 });
    const t0 = Date.now() - 1_000;
    await store.handle.signal(inventoryChangesSignal, { levels: [level('A', 10, 10, t0)] });
    await eventually(() => store.lookups[0], 'the first lookup', 10_000);
    await store.handle.signal(inventoryChangesSignal, { levels: [level('B', 20, 20, t0 + 1)] });
    expect(await nthWrite(store, 1)).toEqual({ A: 9, B: 19 });
    expect(store.lookups).toEqual([['A'], ['B']]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(store.writes).toHaveLength(1);
    await recordHistory(store.handle, 'inventory-sync-v2-late-plan-after-lookup');
    await store.handle.terminate('test done');
  });

  it('an item BigCommerce already shows at the right level (read with its tracking) is not written', async () => {
    const store = await startStore({}, { shown: { A: 9, B: 5 } });
    const t0 = Date.now() - 1_000;
    await store.handle.signal(inventoryChangesSignal, { levels: [level('A', 10, 10, t0), level('B', 20, 20, t0)] });
    expect(await nthWrite(store, 1)).toEqual({ B: 19 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(store.writes).toHaveLength(1);
    await store.handle.terminate('test done');
  });
});
