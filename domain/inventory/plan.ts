import type { ItemRef } from './batches';
import { levelKey, openSales, pendingUnits, saleAfterWrite, sellableLevel, unbookedBefore, type PendingSale } from './levels';

/**
 * What inventorySync decides per item at a flush, as pure functions over the state it carries (no
 * clock, no I/O: replay-safe, and unit-testable without Temporal).
 */

/** Per (SKU, ERP location): carried across continue-as-new (runs recorded before carry short names: see carried.ts). */
export interface ItemState {
  /** Latest ERP level: available, on hand, and the ERP's change time (its clock, ms). */
  available: number;
  onHand: number;
  changedAtMs: number;
  /** The level we believe BigCommerce shows (unknown until our first write, or until a read shows it). */
  storeLevel?: number;
  /** When our last write to it completed, or when BigCommerce was read (workflow time, ms). */
  storeLevelAtMs?: number;
  /** Recently written values, for echo matching. */
  recentlyWritten?: number[];
}

/**
 * What BigCommerce showed at a location when the tracking lookup read it, kept until the ERP's
 * first level there comes in (the item is then born knowing it, and a level the store already shows
 * is not written). `readAtMs`: when it was read (workflow time, ms), as ItemState.storeLevelAtMs.
 */
export interface StoreReading {
  storeLevel: number;
  readAtMs: number;
}

/**
 * A kept reading after BigCommerce sold (`units` > 0) or gave back (`units` < 0) units there: a sale
 * surely after the read is taken off it; anything else (a sale inside the read's ambiguous second,
 * units given back) leaves it unknown (undefined), so the item is written rather than guessed.
 */
export function readingAfterSale(reading: StoreReading, units: number, orderCreatedS: number, applyMarginMs: number): StoreReading | undefined {
  if (units > 0 && saleAfterWrite(orderCreatedS, reading.readAtMs, applyMarginMs)) return { storeLevel: Math.max(0, reading.storeLevel - units), readAtMs: reading.readAtMs };
  return undefined;
}

/** What planning reads: the items, how each SKU is written, the sales not booked, the configuration. */
export interface PlanView {
  items: Readonly<Record<string, ItemState>>;
  tracking: Readonly<Record<string, ItemRef | null>>;
  sales: readonly PendingSale[];
  /** ERP location id -> BigCommerce location id. */
  locations: Readonly<Record<string, number>>;
  orderLocation: string;
  safetyBuffer: number;
}

export type ItemPlan =
  | { kind: 'missing' | 'unmapped' | 'unwritable' | 'hold' | 'same' | 'unknown' }
  | { kind: 'write'; want: number; bcLocationId: number; ref: ItemRef; recheck: boolean };

/**
 * What an item needs now: a write of `want`, nothing (BigCommerce shows it), or to wait for a
 * booking. `announced`: units BigCommerce's webhooks announced sold, per SKU, not reported by their
 * order yet. A write made while the level is ambiguous (an order's commit may have overtaken its
 * "booked" note) carries the safe, lower reading and asks to be looked at again (`recheck`).
 */
export function planItem(v: PlanView, key: string, announced: ReadonlyMap<string, number>, force: boolean): ItemPlan {
  const [sku, loc] = key.split('\u0001') as [string, string];
  const item = v.items[key];
  if (!item) return { kind: 'missing' };
  const bcLocationId = v.locations[loc];
  if (bcLocationId === undefined) return { kind: 'unmapped' };
  if (!(sku in v.tracking)) return { kind: 'unknown' };
  const ref = v.tracking[sku];
  if (!ref) return { kind: 'unwritable' };
  const atOrders = loc === v.orderLocation;
  const pending = atOrders ? pendingUnits(sku, { changedAtMs: item.changedAtMs }, v.sales) + (announced.get(sku) ?? 0) : 0;
  const want = sellableLevel(item.available, pending, v.safetyBuffer);
  const unsure = atOrders ? unbookedBefore(sku, { changedAtMs: item.changedAtMs }, v.sales) : 0;
  const recheck = unsure > 0;
  if (force) return { kind: 'write', want, bcLocationId, ref, recheck };
  // BigCommerce shows a level right under one of the two readings: wait for the booking to tell which.
  if (unsure > 0 && item.storeLevel !== undefined && item.storeLevel >= want && item.storeLevel <= sellableLevel(item.available, pending - unsure, v.safetyBuffer))
    return { kind: 'hold' };
  if (item.storeLevel === want) return { kind: 'same' };
  return { kind: 'write', want, bcLocationId, ref, recheck };
}

/**
 * Whether an item must be written without waiting for the quiet window: at the order location the
 * ERP has nothing sellable left (after the units BigCommerce sold that it has not booked, and the
 * safety buffer) while BigCommerce may still show units (we wrote or read more than 0, or never
 * saw it). Each unit the storefront sells then is one the buffer was kept against, or one that does
 * not exist; coalescing would let it sell them until the ERP's stream of changes pauses
 * (INVENTORY_QUIET) or INVENTORY_MAX_WAIT passes, which in a busy store is the latter. A level that
 * is merely lower waits with the rest: the buffer is what covers it.
 */
export function soldOutButShown(v: PlanView, key: string, announced: ReadonlyMap<string, number>): boolean {
  const [sku, loc] = key.split('\u0001') as [string, string];
  if (loc !== v.orderLocation) return false;
  const item = v.items[key];
  if (!item || item.storeLevel === 0 || v.tracking[sku] === null || v.locations[loc] === undefined) return false;
  const pending = pendingUnits(sku, { changedAtMs: item.changedAtMs }, v.sales) + (announced.get(sku) ?? 0);
  return sellableLevel(item.available, pending, v.safetyBuffer) === 0;
}

/** Whether a changed item at the order location changed after a sale not booked yet was reported (its booking may be that change). */
export function bookingAwaited(v: Pick<PlanView, 'items' | 'sales' | 'orderLocation'>, dirty: ReadonlySet<string>): boolean {
  for (const sale of v.sales) {
    if (sale.bookedAtMs !== undefined) continue;
    for (const sku of Object.keys(sale.units)) {
      const key = levelKey(sku, v.orderLocation);
      const item = v.items[key];
      if (item && dirty.has(key) && sale.reportedAtMs <= item.changedAtMs) return true;
    }
  }
  return false;
}

/**
 * The sales that still count (not booked, or booked after their items' levels changed, and within
 * the TTL), and the settled ones whose BigCommerce webhook never came: a late webhook must match
 * them (BigCommerce retries for hours), not count as a new sale. Those stay for the TTL.
 */
export function pruneSales(
  v: Pick<PlanView, 'items' | 'sales' | 'orderLocation'> & { settledAwaitingWebhook?: readonly PendingSale[] },
  nowMs: number,
  ttlMs: number,
): { sales: PendingSale[]; settledAwaitingWebhook: PendingSale[] } {
  const open = openSales(v.sales, (sku) => orderLevelOf(v, sku), nowMs, ttlMs);
  const stillOpen = new Set(open);
  const settledLate = v.sales.filter((s) => !stillOpen.has(s) && s.awaitingWebhook?.length).map((s) => ({ ...s, units: {}, bookedAtMs: s.bookedAtMs ?? 0 }));
  const settledAwaitingWebhook = [...(v.settledAwaitingWebhook ?? []), ...settledLate].filter((s) => nowMs - s.reportedAtMs <= ttlMs && s.awaitingWebhook?.length);
  return { sales: open, settledAwaitingWebhook };
}

/** The ERP change time of a SKU's level at the order location. */
function orderLevelOf(v: Pick<PlanView, 'items' | 'orderLocation'>, sku: string): { changedAtMs: number } | undefined {
  const item = v.items[levelKey(sku, v.orderLocation)];
  return item ? { changedAtMs: item.changedAtMs } : undefined;
}
