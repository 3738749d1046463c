import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { InventoryBigCommerceActivities, InventoryControlActivities, InventoryErpActivities } from '../../activities/inventory/inventory';
import { InventoryState, type Flush, type PlannedItem } from '../../domain/inventory/state';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { BcSkus, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import {
  inventoryWorkflowId,
  inventoryBcEventsSignal,
  inventoryBookedSignal,
  inventoryChangesSignal,
  inventoryHeldQuery,
  inventorySaleSignal,
  inventorySkuQuery,
  inventorySummaryQuery,
  inventorySweepSignal,
  type InventorySyncInput,
} from './inventory-sync.contract';

/**
 * Inventory ERP -> BigCommerce, one workflow per store: `inventory:<storeHash>`.
 *
 * Why one aggregator per store, fed by signal-with-start, rather than a workflow per change or per
 * SKU: a burst of 10,000 ERP changes must reach BigCommerce in a handful of calls (2000 items per
 * absolute adjustment, one request in flight per store, as BigCommerce asks). Coalescing and the
 * "one in flight" rule need one place that sees every change of the store; a workflow per change
 * would cost 10,000 starts (the dev server does ~100-150 a second, temporal FACTS.md) and still need
 * an aggregator. Each `POST /webhooks/erp` batch is one signal (100 events -> 1 signal), durable
 * before the ERP gets its 202. The run continues-as-new, carrying its state: the latest ERP level,
 * the level we believe BigCommerce shows and the tracking mode, per item (bounded by the catalog),
 * the sales not booked yet and whatever is not flushed.
 *
 * Flow: changes (ERP events, the sweep) update the latest level per (SKU, location) by the ERP's
 * change time; a flush waits until the input is quiet (`quietMs`) or the oldest unflushed change is
 * `maxWaitMs` old (only 0.5 s when an item the ERP sold out may still be for sale in the store),
 * computes each item's sellable level (ERP available - units sold in BigCommerce
 * not booked in the ERP - safety buffer), skips items BigCommerce already shows at that level, and
 * writes the rest in absolute adjustments of <= 2000 items (every location in the same request),
 * one at a time, at batch priority (orders first). Each write is recorded as a small `inventoryWriteRecord` run carrying
 * the SKUs in the `BcSkus` search attribute: `BcSkus = "SKU-1"` in the Web UI lists every write of SKU-1.
 */

const HISTORY_LIMIT = 8_000;

export async function inventorySync(input: InventorySyncInput): Promise<void> {
  // Each patch: runs started before it replay without it. Late planning (a flush takes in what came
  // while it waited for the quota), waiting for bookings, re-checking ambiguous writes:
  const latePlan = patched('inventory-late-plan');
  // An item sold out in the ERP and shown in BigCommerce does not wait for quiet:
  const soldOutFirst = patched('inventory-sold-out-first');
  // The lookup's reading of every location is kept until the ERP's level there comes:
  const readEveryLocation = patched('inventory-read-every-location');
  // A write's (and a read's) time is when BigCommerce answered the activity, not when the workflow
  // picked the answer up, and the store's sales reported while a write was out are judged against it:
  const salesDuringWrite = patched('inventory-sales-during-write');
  // One adjustment carries every location's items (up to 2000), not one per location:
  const allLocations = patched('inventory-one-request-all-locations');
  // A run continued as new keeps waiting for the quiet window (and the longest wait) its changes were waiting for:
  const carryTiming = patched('inventory-carry-flush-timing');

  // The state carried across continue-as-new (either shape: migrated), and every decision on it.
  const state = new InventoryState(input.carried, input, { latePlan, soldOutFirst, readEveryLocation }, carryTiming, Date.now());
  const sweepRequests: string[] = [];

  setHandler(inventoryChangesSignal, ({ levels }) => state.receiveLevels(levels, Date.now()));
  setHandler(inventorySaleSignal, (sale) => state.applySale(sale, Date.now()));
  setHandler(inventoryBookedSignal, ({ orderId, bookedAtMs }) => state.applyBooking(orderId, bookedAtMs, Date.now()));
  setHandler(inventoryBcEventsSignal, ({ events }) => state.applyStoreEvents(events, Date.now()));
  setHandler(inventorySweepSignal, ({ reason }) => {
    sweepRequests.push(reason);
    state.inputs++;
  });
  setHandler(inventorySummaryQuery, () => state.summary(Date.now()));
  setHandler(inventoryHeldQuery, () => state.held());
  setHandler(inventorySkuQuery, (sku) => state.skuLevels(sku));

  const bc = proxyActivities<InventoryBigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(input.storeHash),
    startToCloseTimeout: '2m',
    // Below orders: when the store's quota is short, orders are dispatched first.
    priority: PRIORITY.batch,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
    summary: `inventory of store ${input.storeHash}`,
  });
  const erp = proxyActivities<InventoryErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '2m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
    summary: 'inventory sweep: ERP levels changed since the watermark',
  });

  if (!workflowInfo().typedSearchAttributes.get(BcStoreHash)) upsertSearchAttributes([{ key: BcStoreHash, value: input.storeHash }]);
  let shownStatus = '';
  function show(): void {
    const status = state.kept.lastProblem ? 'NeedsAttention' : 'Synced';
    if (status !== shownStatus) {
      upsertSearchAttributes([{ key: BcSyncStatus, value: status }]);
      shownStatus = status;
    }
    setCurrentDetails(state.details(input.storeHash));
  }

  /** Reads the ERP's levels changed since the watermark, page by page, and applies them. */
  async function sweep(): Promise<void> {
    const run = state.beginSweep(Date.now(), input.sweep);
    while (state.applySweepPage(run, await erp.sweepInventoryLevels(run.cursor), Date.now()));
    state.endSweep(run);
  }

  /** Looks up the tracking of the flush's SKUs (and of latecomers); false when BigCommerce could not be read. */
  async function lookUp(flush: Flush): Promise<boolean> {
    for (let round = 0; ; round++) {
      const unknown = state.unknownSkus(flush);
      if (unknown.length) {
        try {
          const found = await bc.lookupInventoryTracking(unknown);
          state.applyLookup(found, salesDuringWrite && found.readAtMs !== undefined ? found.readAtMs : Date.now());
        } catch (err) {
          state.lookupFailed(flush, describe(err), Date.now());
          return false;
        }
      }
      if (!state.takeLatecomers(flush, round)) return true;
    }
  }

  /** Writes what changed, one request in flight per store (each batch waits for the previous one's answer), then records the writes. */
  async function flush(): Promise<void> {
    const startedAt = Date.now();
    const run = state.beginFlush(startedAt);
    if (!(await lookUp(run))) return;
    const batches = state.batches(run, state.planKeys(run.keys, run.wasForced, startedAt), { allLocations });
    const written: PlannedItem[][] = [];
    for (let batch = batches.next(Date.now()); batch; batch = batches.next(Date.now())) {
      // Remembered before the call: the echo of this write can reach us before its answer does.
      state.beforeWrite(batch, salesDuringWrite);
      let answer: { answeredAtMs?: number };
      try {
        answer = await bc.writeInventoryLevels(
          batch.map(({ key: _key, recheck: _recheck, ...item }) => item),
          `bcsync: ERP levels (${batch.length} items)`,
        );
      } catch (err) {
        state.writeFailed(run, batch, describe(err), Date.now());
        continue;
      }
      const doneAt = Date.now();
      // BigCommerce took the write by its answer: under load the workflow may pick the answer up seconds later.
      state.writeDone(run, batch, salesDuringWrite && answer.answeredAtMs !== undefined ? Math.min(answer.answeredAtMs, doneAt) : doneAt, doneAt);
      written.push(batch);
    }
    // Recorded once every batch is out: the next batch need not wait for the records.
    for (const batch of written) await recordWrite(batch);
    // The bookings that came in during the writes may have settled sales: the summary shows what still counts.
    if (latePlan) state.dropSettledSales(Date.now());
  }

  /** Small completed runs, one per <= 100 SKUs written at a location, findable by `BcSkus` in the Web UI. */
  async function recordWrite(batch: PlannedItem[]): Promise<void> {
    const { n, parts } = state.nextWriteRecord(batch);
    await Promise.all(
      parts.map((part, i) =>
        startChild(inventoryWriteRecord, {
          workflowId: `${inventoryWorkflowId(input.storeHash)}:write-${workflowInfo().runId.slice(0, 8)}-${n}-${i + 1}`,
          args: [{ storeHash: input.storeHash, bcLocationId: part.bcLocationId, levels: part.levels }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: BcStoreHash, value: input.storeHash },
            { key: BcSkus, value: part.skus },
          ],
          staticSummary: `Inventory written to BigCommerce location ${part.bcLocationId}: ${part.items} SKUs (write ${n}, part ${i + 1}/${parts.length})`,
        }),
      ),
    );
  }

  show();
  for (;;) {
    await condition(() => state.dirty.size > 0 || sweepRequests.length > 0);
    if (sweepRequests.length) {
      // Why it swept (the schedule, ops, a repair) names the sweep in the problem it leaves.
      const reasons = [...new Set(sweepRequests.splice(0))].join(', ');
      try {
        await sweep();
      } catch (err) {
        state.kept.lastProblem = `sweep (${reasons}) failed: ${describe(err)}`;
      }
    }
    if (state.dirty.size > 0) {
      // Coalesce: wait for a quiet moment, but never longer than maxWaitMs after the first change.
      for (;;) {
        const now = Date.now();
        const deadline = state.flushDeadline(now, { quietMs: input.quietMs, maxWaitMs: input.maxWaitMs, bookingWaitMs: input.bookingWaitMs ?? 15_000 });
        if (now >= deadline) break;
        const seen = state.inputs;
        await condition(() => state.inputs !== seen || sweepRequests.length > 0, deadline - now);
        if (sweepRequests.length) break;
      }
      await flush();
      state.endFlush();
      if (state.kept.lastProblem && state.dirty.size > 0) await sleep('10s');
    }
    show();
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? HISTORY_LIMIT)) && sweepRequests.length === 0) {
      return await continueAsNew<typeof inventorySync>({ ...input, carried: state.toCarried(carryTiming) });
    }
  }
}

/** The record of one write (part): its input is the levels written; it does nothing else. */
export async function inventoryWriteRecord(_record: { storeHash: string; bcLocationId: number; levels: Record<string, number> }): Promise<void> {
  // The run is the record: its input shows the levels, its BcSkus attribute finds it.
}

/** Scheduled (`bcsync-inventory-sweep-<store>`): wakes the store's inventorySync to sweep the ERP. */
export async function inventorySweepTick(input: { storeHash: string }): Promise<void> {
  const control = proxyActivities<InventoryControlActivities>({
    startToCloseTimeout: '1m',
    retry: { maximumAttempts: 10 },
    summary: `wake the inventory sweep of store ${input.storeHash}`,
  });
  await control.requestInventorySweep(input.storeHash, 'schedule');
}

function describe(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return `${cause.type ?? 'ActivityFailed'}: ${cause.message}`;
    return cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
