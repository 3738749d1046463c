import type { ItemRef, LagHistogram } from './batches';
import type { PendingSale, ProvisionalSale } from './levels';
import type { ItemState, StoreReading } from './plan';

/**
 * What inventorySync carries across continue-as-new (it arrives in the next run's input as
 * `carried`), and the migration from the shape runs recorded before its fields had readable names.
 */

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

/**
 * Where the previous run's wait for a flush stood (workflow times, ms): when the oldest change not
 * written came in, the last input that holds the quiet window, an item sold out in the ERP but
 * shown in BigCommerce. Without it a run continued as new flushed what was dirty at once.
 */
export interface FlushTiming {
  firstDirtyAtMs: number;
  lastInputAtMs: number;
  soldOutSinceMs?: number;
}

export interface InventoryCarried {
  /** Per item (`levelKey(sku, erpLocation)`): the ERP's latest level and what BigCommerce shows. */
  items: Record<string, ItemState>;
  /** SKU -> how BigCommerce tracks it (null: not writable). */
  tracking: Record<string, ItemRef | null>;
  sales: PendingSale[];
  /**
   * What the tracking lookup read at locations whose ERP level had not come in yet (item key ->
   * reading): the item takes it when its first level comes. Dropped after pendingTtlMs.
   */
  storeReadings?: Record<string, StoreReading>;
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
  /** Item key -> the ERP change times not reflected in BigCommerce yet (their lag is measured when it is). */
  unsettled: Record<string, number[]>;
  sweepWatermarkMs: number | null;
  stats: InventoryStats;
  lag: LagHistogram;
  /** From the ERP's change time to its arrival here (the ERP's push and our API): part of `lag`. */
  arrival?: LagHistogram;
  /** Writes recorded so far (numbers the write records). */
  writes: number;
  lastProblem: string | null;
  flushTiming?: FlushTiming;
  /** The last writes (bounded): when, where, how many items. */
  recentWrites?: Array<{ atMs: number; bcLocationId: number; items: number }>;
}

export const emptyInventoryCarried = (newLag: () => LagHistogram): InventoryCarried => ({
  items: {},
  tracking: {},
  sales: [],
  dirty: [],
  forced: [],
  unsettled: {},
  sweepWatermarkMs: null,
  stats: emptyInventoryStats(),
  lag: newLag(),
  writes: 0,
  lastProblem: null,
});

/** An item as runs recorded before 2026-12 carried it: `a` available, `oh` on hand, `t` ERP change time, `e` what BigCommerce shows, `w` when, `r` recent writes. */
export interface LegacyItemState {
  a: number;
  oh: number;
  t: number;
  e?: number;
  w?: number;
  r?: number[];
}

/** The carried state of runs recorded before 2026-12: short item keys, and the readings under `seen` (`e` level, `w` read time). */
export type LegacyInventoryCarried = Omit<InventoryCarried, 'items' | 'storeReadings'> & {
  items: Record<string, LegacyItemState>;
  seen?: Record<string, { e: number; w: number }>;
};

function isLegacyItem(item: ItemState | LegacyItemState): item is LegacyItemState {
  return 'a' in item;
}

function itemFromLegacy(item: ItemState | LegacyItemState): ItemState {
  if (!isLegacyItem(item)) return item;
  return {
    available: item.a,
    onHand: item.oh,
    changedAtMs: item.t,
    ...(item.e !== undefined ? { storeLevel: item.e } : {}),
    ...(item.w !== undefined ? { storeLevelAtMs: item.w } : {}),
    ...(item.r !== undefined ? { recentlyWritten: item.r } : {}),
  };
}

/**
 * The carried state in today's shape, from either shape (a run continued as new by code before the
 * rename carries the legacy one; recorded histories hold it). Pure and total: the same input always
 * gives the same state, so a replay of either kind of run reads the same values. Item and reading
 * order is kept (iteration order is part of what the workflow does).
 */
export function migrateCarried(carried: InventoryCarried | LegacyInventoryCarried): InventoryCarried {
  const { items, ...rest } = carried;
  const { seen, ...others } = rest as typeof rest & { seen?: Record<string, { e: number; w: number }> };
  const migrated: InventoryCarried = {
    ...(others as Omit<InventoryCarried, 'items'>),
    items: Object.fromEntries(Object.entries(items).map(([key, item]) => [key, itemFromLegacy(item)])),
  };
  if (seen !== undefined) {
    migrated.storeReadings = {
      ...migrated.storeReadings,
      ...Object.fromEntries(Object.entries(seen).map(([key, r]) => [key, { storeLevel: r.e, readAtMs: r.w }])),
    };
  }
  return migrated;
}
