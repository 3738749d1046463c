import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { InventoryBigCommerceActivities } from '../../activities/inventory/inventory';
import type { AbsoluteItem } from '../../domain/inventory/batches';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { inventoryWorkflowId, type InventorySyncInput, INVENTORY_SYNC_WORKFLOW, type InventorySyncWorkflow } from '../../workflows/inventory/inventory-sync.contract';
import { testClient, testDataConverter, testWorkerConnection } from './temporal';

/**
 * One store's inventorySync on the real dev server, driven message by message, with BigCommerce's
 * two inventory calls (tracking lookup, absolute write) answered by a recording stand-in on the
 * store's queue: the order and timing of every message is the test's to choose.
 */
export interface InventoryStore {
  storeHash: string;
  handle: WorkflowHandle<InventorySyncWorkflow>;
  /** Every absolute write, in order: SKU -> quantity. */
  writes: Array<Record<string, number>>;
  lookups: string[][];
}

export interface InventoryHarness {
  client: Client;
  startStore(overrides?: Partial<InventorySyncInput>, opts?: StoreOptions): Promise<InventoryStore>;
  close(): Promise<void>;
}

export interface StoreOptions {
  lookupDelayMs?: number;
  writeDelayMs?: number;
  shown?: Record<string, number | Record<number, number>>;
  bigCommerceWorker?: boolean;
  workflowWorker?: boolean;
  /** Serve a store whose inventorySync another harness started (its workers, on this harness's connection): the run is not started again. */
  attachTo?: string;
}

/**
 * `temporal`: TEMPORAL_* settings over the test ones (test/support/temporal.ts), e.g. other payload
 * keys for a key rotation.
 */
export async function inventoryHarness(temporal: Record<string, string> = {}): Promise<InventoryHarness> {
  // The product's connection builder and the test key: what the harness writes is encrypted as in production.
  const nativeConnection = await testWorkerConnection(temporal);
  const { client, close: closeClient } = await testClient(temporal);
  const dataConverter = testDataConverter(temporal);
  const workers: Array<{ worker: Worker; run: Promise<void> }> = [];

  /** A store of one location, its inventorySync started with `overrides`, and a stand-in BigCommerce on its queue (unless left out). */
  async function startStore(overrides: Partial<InventorySyncInput> = {}, opts: StoreOptions = {}): Promise<InventoryStore> {
    const storeHash = opts.attachTo ?? `inv${randomBytes(3).toString('hex')}`;
    const taskQueue = `bcsync.workflows.${storeHash}`;
    const writes: InventoryStore['writes'] = [];
    const lookups: string[][] = [];
    const bigCommerce: InventoryBigCommerceActivities = {
      async writeInventoryLevels(items: AbsoluteItem[]) {
        writes.push(Object.fromEntries(items.map((i) => [i.sku, i.quantity])));
        const n = writes.length;
        if (opts.writeDelayMs) await new Promise((r) => setTimeout(r, opts.writeDelayMs));
        return { transactionId: `tx-${n}`, answeredAtMs: Date.now() };
      },
      async lookupInventoryTracking(skus: string[]) {
        lookups.push(skus);
        if (opts.lookupDelayMs) await new Promise((r) => setTimeout(r, opts.lookupDelayMs));
        return {
          items: skus.map((sku, i) => {
            const shown = opts.shown?.[sku];
            return { sku, ref: { productId: 1000 + i }, ...(shown !== undefined ? { onHand: typeof shown === 'number' ? { 1: shown } : shown } : {}) };
          }),
          calls: 1,
        };
      },
    };
    if (opts.workflowWorker !== false) {
      const w = await Worker.create({ connection: nativeConnection, dataConverter, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
      workers.push({ worker: w, run: w.run() });
    }
    if (opts.bigCommerceWorker !== false) {
      const w = await Worker.create({ connection: nativeConnection, dataConverter, taskQueue: bigCommerceTaskQueue(storeHash), activities: bigCommerce });
      workers.push({ worker: w, run: w.run() });
    }
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
    const handle = opts.attachTo
      ? client.workflow.getHandle<InventorySyncWorkflow>(inventoryWorkflowId(storeHash))
      : await client.workflow.start<InventorySyncWorkflow>(INVENTORY_SYNC_WORKFLOW, { taskQueue, workflowId: inventoryWorkflowId(storeHash), args: [input] });
    return { storeHash, handle, writes, lookups };
  }

  return {
    client,
    startStore,
    async close() {
      for (const w of workers) w.worker.shutdown();
      await Promise.all(workers.map((w) => w.run));
      await nativeConnection.close();
      await closeClient();
    },
  };
}

/** An ERP level at location 1. */
export const level = (sku: string, available: number, onHand: number, changedAtMs: number) => ({
  sku,
  location: '1',
  quantityAvailable: available,
  quantityOnHand: onHand,
  changedAtMs,
});
