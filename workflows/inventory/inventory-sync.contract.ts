import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ItemRef, LagHistogram } from '../../domain/inventory/batches';
import type { ErpLevel, PendingSale, ProvisionalSale } from '../../domain/inventory/levels';
import type { ItemState, StoreReading } from '../../domain/inventory/plan';
import { workflowTaskQueue } from '../shared/task-queue';

/** The workflow type, as registered by the workers and started by name from outside. */
export const INVENTORY_SYNC_WORKFLOW = 'inventorySync';
/** Runs on the workers' workflow queue. */
export const inventorySyncTaskQueue = workflowTaskQueue;
export type InventorySyncWorkflow = (input: InventorySyncInput) => Promise<void>;

export type { ItemState, StoreReading };

/**
 * What the store's `inventory:<storeHash>` workflow takes and answers: its input, the state it
 * carries across continue-as-new, its signals (what the API, the order workflows and BigCommerce's
 * webhooks tell it) and its queries. Callers import these from here or from inventory-sync.ts.
 */
export interface InventorySyncInput {
  storeHash: string;
  erpTaskQueue: string;
  /** ERP location id -> BigCommerce location id; other ERP locations are not synced. */
  locations: Record<string, number>;
  /** The ERP location BigCommerce orders take their stock from (where pending sales count). */
  orderLocation: string;
  safetyBuffer: number;
  quietMs: number;
  maxWaitMs: number;
  /**
   * How much longer than the quiet window a write waits while a changed item's level may or may not
   * count an order being booked (its "booked" note is on its way); within maxWaitMs. Absent in runs
   * started before it existed: 15 s.
   */
  bookingWaitMs?: number;
  /** A sale never booked stops counting after this (its order was lost or never reached the ERP). */
  pendingTtlMs: number;
  /** How long after our write BigCommerce may still apply it ("a short delay"). */
  applyMarginMs: number;
  sweep: { overlapMs: number; initialLookbackMs: number };
  /** Continue as new once the history has this many events (or the server suggests it). Absent: 8000. */
  historyLimit?: number;
  carried?: InventoryCarried;
}

export interface InventoryStats {
  changesReceived: number;
  changesApplied: number;
  staleIgnored: number;
  flushes: number;
  writeCalls: number;
  itemsWritten: number;
  unchangedSkipped: number;
  lookupCalls: number;
  unwritable: number;
  unmappedLocation: number;
  echoesIgnored: number;
  reasserts: number;
  /** Items written because a BigCommerce inventory webhook was not an echo of ours. */
  reassertItems: number;
  salesReported: number;
  salesBooked: number;
  sweeps: number;
  sweepRows: number;
  writeFailures: number;
  /** Flushes that left an item alone until an order's booking time was known. */
  heldForBooking?: number;
}

export interface InventoryCarried {
  items: Record<string, ItemState>;
  tracking: Record<string, ItemRef | null>;
  sales: PendingSale[];
  /**
   * What the tracking lookup read at locations whose ERP level had not come in yet (item key ->
   * reading): the item takes it when its first level comes. Dropped after pendingTtlMs.
   */
  seen?: Record<string, StoreReading>;
  dirty: string[];
  forced: string[];
  /** Sales announced by BigCommerce's order inventory webhooks, not reported by their order yet. */
  provisional?: ProvisionalSale[];
  /** Settled sales with lines whose webhook never came: a late webhook matches them, not a new sale. */
  settledAwaitingWebhook?: PendingSale[];
  /** Hashes of those webhooks seen lately (BigCommerce repeats some). */
  saleHashes?: string[];
  /** Items whose level may or may not count an order being booked: looked at again when it is. */
  awaitingBooking?: string[];
  unsettled: Record<string, number[]>;
  sweepWatermarkMs: number | null;
  stats: InventoryStats;
  lag: LagHistogram;
  /** From the ERP's change time to its arrival here (the ERP's push and our API): part of `lag`. */
  arrival?: LagHistogram;
  writes: number;
  lastProblem: string | null;
  /**
   * Where the previous run's wait for a flush stood (workflow times, ms): when the oldest change not
   * written came in, the last input that holds the quiet window, an item sold out in the ERP but
   * shown in BigCommerce. Without it a run continued as new flushed what was dirty at once.
   */
  flushTiming?: { firstDirtyAtMs: number; lastInputAtMs: number; soldOutSinceMs?: number };
  /** The last writes (bounded): when, where, how many items. */
  recentWrites?: Array<{ atMs: number; bcLocationId: number; items: number }>;
}

export interface InventoryChangesInput {
  levels: ErpLevel[];
}

export interface InventorySale {
  orderId: number;
  /** SKU -> units. Empty: the order no longer takes stock (cancelled). */
  units: Record<string, number>;
  orderCreatedS: number;
  /** The lines with BigCommerce's ids, to replace the provisional sales BigCommerce's webhooks announced. */
  lines?: Array<{ sku: string; productId: number; variantId: number | null; units: number }>;
}

/** A BigCommerce `store/sku/inventory/updated` or `store/product/inventory/updated` event. */
export interface BcInventoryEvent {
  productId: number;
  variantId?: number;
  method: string;
  value: number;
  /** `.../inventory/order/updated`: an order took (or gave back) the units. */
  byOrder?: boolean;
  createdS?: number;
  hash?: string;
}

export const inventoryChangesSignal = defineSignal<[InventoryChangesInput]>('inventoryChanges');
export const inventorySaleSignal = defineSignal<[InventorySale]>('inventorySale');
export const inventoryBookedSignal = defineSignal<[{ orderId: number; bookedAtMs: number }]>('inventoryBooked');
export const inventoryBcEventsSignal = defineSignal<[{ events: BcInventoryEvent[] }]>('bcInventoryEvents');
export const inventorySweepSignal = defineSignal<[{ reason: string }]>('sweep');

export interface InventorySummary {
  stats: InventoryStats;
  items: number;
  dirty: number;
  pendingSales: number;
  sweepWatermark: string | null;
  lagP50Ms: number;
  lagP95Ms: number;
  arrivalP95Ms: number;
  lastProblem: string | null;
  recentWrites: Array<{ at: string; bcLocationId: number; items: number }>;
  /**
   * Since when the oldest change not yet written has waited (ISO; null when nothing waits), counting
   * a flush in progress: the alert monitor compares it with the real clock to find a stalled sync.
   */
  waitingSince?: string | null;
}
export const inventorySummaryQuery = defineQuery<InventorySummary>('summary');
/** One SKU, at every location: the ERP level, what BigCommerce should show, what we believe it shows. */
export const inventorySkuQuery = defineQuery<Array<{ location: string; available: number; changedAt: string; expected: number | null; pending: number; want: number }>, [string]>(
  'sku',
);

/** The ERP change time held per item (`<sku>\u0001<location>` -> epoch ms): what a check for lost changes compares with the ERP. */
export const inventoryHeldQuery = defineQuery<Record<string, number>>('held');

export const emptyInventoryStats = (): InventoryStats => ({
  changesReceived: 0,
  changesApplied: 0,
  staleIgnored: 0,
  flushes: 0,
  writeCalls: 0,
  itemsWritten: 0,
  unchangedSkipped: 0,
  lookupCalls: 0,
  unwritable: 0,
  unmappedLocation: 0,
  echoesIgnored: 0,
  reasserts: 0,
  reassertItems: 0,
  salesReported: 0,
  salesBooked: 0,
  sweeps: 0,
  sweepRows: 0,
  writeFailures: 0,
});

/** The store's inventory aggregator (ERP -> BigCommerce levels): one per store, fed by signal-with-start. */
export const inventoryWorkflowId = (storeHash: string): string => `inventory:${storeHash}`;

/** The scheduled tick that asks `inventory:<storeHash>` to sweep the ERP's levels. */
export const INVENTORY_SWEEP_TICK_WORKFLOW = 'inventorySweepTick';
export const inventorySweepTickWorkflowId = (storeHash: string): string => `inventory-sweep-tick:${storeHash}`;
export const inventorySweepScheduleId = (storeHash: string): string => `bcsync-inventory-sweep-${storeHash}`;
