import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { InventoryCarried, LegacyInventoryCarried } from '../../domain/inventory/carried';
import type { ErpLevel } from '../../domain/inventory/levels';
import type { ItemState, StoreReading } from '../../domain/inventory/plan';
import type { BcInventoryEvent, InventorySale, InventorySummary, SkuLevel } from '../../domain/inventory/state';
import { workflowTaskQueue } from '../shared/task-queue';

/** The workflow type, as registered by the workers and started by name from outside. */
export const INVENTORY_SYNC_WORKFLOW = 'inventorySync';
/** Runs on the workers' workflow queue. */
export const inventorySyncTaskQueue = workflowTaskQueue;
export type InventorySyncWorkflow = (input: InventorySyncInput) => Promise<void>;

export type { ItemState, StoreReading, InventoryCarried, LegacyInventoryCarried, BcInventoryEvent, InventorySale, InventorySummary, SkuLevel };
export { emptyInventoryStats, type InventoryStats } from '../../domain/inventory/carried';

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
  /** The previous run's state (continue-as-new); runs continued before 2026-12 carry the legacy shape, migrated when read. */
  carried?: InventoryCarried | LegacyInventoryCarried;
}

export interface InventoryChangesInput {
  levels: ErpLevel[];
}

export const inventoryChangesSignal = defineSignal<[InventoryChangesInput]>('inventoryChanges');
export const inventorySaleSignal = defineSignal<[InventorySale]>('inventorySale');
export const inventoryBookedSignal = defineSignal<[{ orderId: number; bookedAtMs: number }]>('inventoryBooked');
export const inventoryBcEventsSignal = defineSignal<[{ events: BcInventoryEvent[] }]>('bcInventoryEvents');
export const inventorySweepSignal = defineSignal<[{ reason: string }]>('sweep');

export const inventorySummaryQuery = defineQuery<InventorySummary>('summary');
/** One SKU, at every location: the ERP level, what BigCommerce should show, what we believe it shows. */
export const inventorySkuQuery = defineQuery<SkuLevel[], [string]>('sku');

/** The ERP change time held per item (`<sku>\u0001<location>` -> epoch ms): what a check for lost changes compares with the ERP. */
export const inventoryHeldQuery = defineQuery<Record<string, number>>('held');

/** The store's inventory aggregator (ERP -> BigCommerce levels): one per store, fed by signal-with-start. */
export const inventoryWorkflowId = (storeHash: string): string => `inventory:${storeHash}`;

/** The scheduled tick that asks `inventory:<storeHash>` to sweep the ERP's levels. */
export const INVENTORY_SWEEP_TICK_WORKFLOW = 'inventorySweepTick';
export const inventorySweepTickWorkflowId = (storeHash: string): string => `inventory-sweep-tick:${storeHash}`;
export const inventorySweepScheduleId = (storeHash: string): string => `bcsync-inventory-sweep-${storeHash}`;
