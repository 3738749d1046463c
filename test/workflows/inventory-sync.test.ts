import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryBigCommerceActivities, InventoryErpActivities } from '../../activities/inventory/inventory';
import type { ErpLevel } from '../../domain/inventory/levels';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  INVENTORY_SYNC_WORKFLOW,
  inventoryChangesSignal,
  inventorySkuQuery,
  inventorySummaryQuery,
  inventorySweepSignal,
  inventoryWorkflowId,
  type InventorySyncInput,
  type InventorySyncWorkflow,
} from '../../workflows/inventory/inventory-sync.contract';
import { recording, startTestbed, type StubCall, type Testbed, type TestQueues, until } from '../support/workflow-env';
import { argsOf } from './fixtures';

/**
 * inventorySync with BigCommerce's two inventory calls stubbed, told to continue as new after every
 * pass (historyLimit 1): what it knows must cross into the next run (levels, what BigCommerce was
 * last told, the tracking of each SKU, counters, and the quiet window a change that came during a
 * write was waiting for).
 *
 * On the time-skipping server, but with short quiet windows passed in the input and real waits:
 * once a run that started child workflows (the write records) continues as new, the test server
 * stops skipping time (sdk-java issues 1540 and 1618), and it never skips while an activity runs,
 * which the second test needs (a write held open).
 */

let bed: Testbed;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  bed = await startTestbed();
  env = bed.env;
});
afterAll(async () => {
  await bed?.close();
});

type Writes = Array<Record<string, number>>;

/** BigCommerce's lookups and absolute writes; a write waits for `gate` when one is set. */
function inventoryActivities(q: TestQueues, calls: StubCall[], writes: Writes, gate: { open?: Promise<void> }): Record<string, object> {
  const bc: InventoryBigCommerceActivities = {
    async lookupInventoryTracking(skus) {
      return { items: skus.map((sku, i) => ({ sku, ref: { productId: 500 + i } })), calls: 1 };
    },
    async writeInventoryLevels(items) {
      writes.push(Object.fromEntries(items.map((i) => [i.sku, i.quantity])));
      await gate.open;
      return { transactionId: `tx-${writes.length}`, answeredAtMs: await env.currentTimeMs() };
    },
  };
  return { [bigCommerceTaskQueue(q.storeHash)]: recording(calls, bc) };
}

async function startInventory(q: TestQueues, quietMs: number): Promise<WorkflowHandle<InventorySyncWorkflow>> {
  const input: InventorySyncInput = {
    storeHash: q.storeHash,
    erpTaskQueue: q.erp,
    locations: { '1': 1 },
    orderLocation: '1',
    safetyBuffer: 1,
    quietMs,
    maxWaitMs: 10_000,
    pendingTtlMs: 600_000,
    applyMarginMs: 5_000,
    sweep: { overlapMs: 60_000, initialLookbackMs: 3_600_000 },
    // Continue as new after every pass.
    historyLimit: 1,
  };
  return env.client.workflow.start<InventorySyncWorkflow>(INVENTORY_SYNC_WORKFLOW, { workflowId: inventoryWorkflowId(q.storeHash), taskQueue: q.workflows, args: [input] });
}

/** An ERP level at location 1, changed now (the server's clock). */
async function level(sku: string, available: number): Promise<ErpLevel> {
  return { sku, location: '1', quantityAvailable: available, quantityOnHand: available, changedAtMs: await env.currentTimeMs() };
}

const runIdOf = async (handle: WorkflowHandle<InventorySyncWorkflow>) => (await handle.describe()).runId;
const newRun = (handle: WorkflowHandle<InventorySyncWorkflow>, previous: string) =>
  until(
    () => runIdOf(handle),
    (id) => id !== previous,
    'a run continued as new',
  );

describe('inventorySync continued as new, BigCommerce stubbed', () => {
  it('continues as new after each pass, carrying levels, what BigCommerce was told, the SKU tracking and the counters', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const writes: Writes = [];
    await bed.run(q, inventoryActivities(q, calls, writes, {}), async () => {
      const handle = await startInventory(q, 200);
      const firstRun = await runIdOf(handle);
      await handle.signal(inventoryChangesSignal, { levels: [await level('A', 10)] });
      // After the quiet window: one lookup and one write, 10 less the safety buffer of 1.
      await until(
        async () => writes.length,
        (n) => n === 1,
        'the first write',
      );
      const secondRun = await newRun(handle, firstRun);
      expect((await env.client.workflow.getHandle(inventoryWorkflowId(q.storeHash), firstRun).describe()).status.name).toBe('CONTINUED_AS_NEW');
      expect(writes).toEqual([{ A: 9 }]);

      // The new run knows what the first one did.
      const carried = await handle.query(inventorySummaryQuery);
      expect(carried.stats).toMatchObject({ changesApplied: 1, flushes: 1, lookupCalls: 1, writeCalls: 1, itemsWritten: 1 });
      expect(carried).toMatchObject({ items: 1, dirty: 0, lastProblem: null });
      expect(carried.recentWrites).toEqual([expect.objectContaining({ bcLocationId: 1, items: 1 })]);
      expect(await handle.query(inventorySkuQuery, 'A')).toEqual([expect.objectContaining({ location: '1', available: 10, expected: 9, want: 9 })]);

      // The same level again, later: BigCommerce already shows it (carried), and the SKU's tracking
      // is known (carried): neither a lookup nor a write.
      await handle.signal(inventoryChangesSignal, { levels: [await level('A', 10)] });
      const thirdRun = await newRun(handle, secondRun);
      expect((await handle.query(inventorySummaryQuery)).stats).toMatchObject({ flushes: 2, unchangedSkipped: 1, lookupCalls: 1, writeCalls: 1 });

      // A new level: written without a lookup.
      await handle.signal(inventoryChangesSignal, { levels: [await level('A', 5)] });
      await newRun(handle, thirdRun);
      expect(writes).toEqual([{ A: 9 }, { A: 4 }]);
      expect(argsOf(calls, 'lookupInventoryTracking')).toEqual([[['A']]]);
      expect((await handle.query(inventorySummaryQuery)).stats).toMatchObject({ flushes: 3, writeCalls: 2, itemsWritten: 2 });
      await handle.terminate('test done');
    });
  });

  it('a change that came during a write waits, in the next run, for the rest of its quiet window instead of being written at once', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const writes: Writes = [];
    let release!: () => void;
    const gate: { open?: Promise<void> } = { open: new Promise<void>((r) => (release = r)) };
    const activities = inventoryActivities(q, calls, writes, gate);
    await bed.run(q, activities, async () => {
      const quietMs = 3_000; // margin for a loaded machine: B must still be waiting when write 1 answers
      const handle = await startInventory(q, quietMs);
      const firstRun = await runIdOf(handle);
      await handle.signal(inventoryChangesSignal, { levels: [await level('A', 10)] });
      await until(
        async () => writes.length,
        (n) => n === 1,
        'write 1 is out',
        quietMs + 10_000,
      );

      // B comes while write 1 is out: it waits for the next flush, which the next run makes.
      const bBeforeMs = await env.currentTimeMs();
      await handle.signal(inventoryChangesSignal, { levels: [await level('B', 20)] });
      await until(
        () => handle.query(inventorySummaryQuery),
        (s) => s.dirty === 1,
        'B taken in',
      );
      const bAfterMs = await env.currentTimeMs();
      // Write 1 answers a little later (still well inside B's quiet window); then the run continues as new.
      await new Promise((r) => setTimeout(r, 300));
      release();
      await newRun(handle, firstRun);
      // Carried: B waits since it came, not since the new run started (the summary's clock for a stalled sync).
      const carried = await handle.query(inventorySummaryQuery);
      expect(carried.dirty).toBe(1);
      const bSinceMs = Date.parse(carried.waitingSince!);
      expect(bSinceMs).toBeGreaterThanOrEqual(bBeforeMs);
      expect(bSinceMs).toBeLessThanOrEqual(bAfterMs);

      await until(
        async () => writes.length,
        (n) => n === 2,
        'write 2',
        quietMs + 10_000,
      );
      expect(writes).toEqual([{ A: 9 }, { B: 19 }]);
      // Written once B's quiet window had passed, not as soon as the new run started (0.3 s after B).
      const write2 = await until(
        () => handle.query(inventorySummaryQuery),
        (s) => s.recentWrites.length === 2,
        'write 2 answered',
      );
      expect(Date.parse(write2.recentWrites[1]!.at)).toBeGreaterThanOrEqual(bSinceMs + quietMs);
      expect(argsOf(calls, 'lookupInventoryTracking')).toEqual([[['A']], [['B']]]);
      await handle.terminate('test done');
    });
  });
});

describe('inventorySync sweep, the ERP stubbed', () => {
  it('a sweep that fails leaves a problem naming why it swept (the reason its signal carried)', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const erp: Pick<InventoryErpActivities, 'sweepInventoryLevels'> = {
      async sweepInventoryLevels() {
        throw ApplicationFailure.nonRetryable('NetSuite answered 503', 'ErpUnavailable');
      },
    };
    const activities = { ...inventoryActivities(q, calls, [], {}), [q.erp]: recording(calls, erp) };
    await bed.run(q, activities, async () => {
      const handle = await startInventory(q, 200);
      await handle.signal(inventorySweepSignal, { reason: 'ops repair' });
      const failed = await until(
        () => handle.query(inventorySummaryQuery),
        (s) => s.lastProblem !== null,
        'the sweep failed',
      );
      expect(failed.lastProblem).toBe('sweep (ops repair) failed: ErpUnavailable: NetSuite answered 503');
      // Not retried (non-retryable), nothing applied, no sweep counted as done.
      expect(calls.map((c) => c.name)).toEqual(['sweepInventoryLevels']);
      expect(failed.stats).toMatchObject({ sweeps: 0, sweepRows: 0 });
      expect(failed.sweepWatermark).toBeNull();
      await handle.terminate('test done');
    });
  });
});
