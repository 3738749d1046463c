/**
 * Inventory ERP -> BigCommerce: the pure decisions the `inventorySync` workflow makes. No I/O, no
 * clock: times come in as arguments, so the same inputs always give the same answer (replay-safe,
 * unit-tested in test/unit/inventory-levels.test.ts).
 */

/** One (SKU, ERP location) level as the ERP reported it, stamped with the ERP's own change time. */
export interface ErpLevel {
  sku: string;
  /** The ERP's location id (mapped to a BigCommerce location by configuration). */
  location: string;
  quantityAvailable: number;
  quantityOnHand: number;
  /** Epoch ms, by the ERP's clock: the latest change per (SKU, location) wins. */
  changedAtMs: number;
}

export const levelKey = (sku: string, location: string): string => `${sku}\u0001${location}`;

/**
 * Whether `next` replaces `current`. The ERP's change time decides, never arrival order: a late
 * webhook or a sweep row older than what we hold is ignored. On a tie the later delivery wins
 * (the same change delivered twice carries the same values, so that is harmless).
 */
export function supersedes(current: Pick<ErpLevel, 'changedAtMs'> | undefined, next: Pick<ErpLevel, 'changedAtMs'>): boolean {
  return current === undefined || next.changedAtMs >= current.changedAtMs;
}

/**
 * Coalesces a batch: the latest level per (SKU, location) by the ERP's change time. Returns only
 * the levels that replace what `held` has (held = what the workflow already knows).
 */
export function coalesce(held: (key: string) => Pick<ErpLevel, 'changedAtMs'> | undefined, batch: ErpLevel[]): ErpLevel[] {
  const latest = new Map<string, ErpLevel>();
  for (const level of batch) {
    const key = levelKey(level.sku, level.location);
    const seen = latest.get(key) ?? held(key);
    if (supersedes(seen, level)) latest.set(key, level);
  }
  return [...latest.values()];
}

/**
 * Units sold in BigCommerce that the ERP has not booked yet, per order. BigCommerce takes its own
 * stock when the order is placed; the ERP's available quantity drops only once the order's sales
 * order is written (committed). Until then an absolute write of the ERP's level would hand those
 * units back to the storefront.
 */
export interface PendingSale {
  orderId: number;
  /** SKU -> units on the order. */
  units: Record<string, number>;
  /** When BigCommerce created the order, Unix s (its own clock, whole seconds). */
  orderCreatedS: number;
  /** The ERP's last-modified time of the sales order after our upsert (ERP clock, epoch ms). */
  bookedAtMs?: number;
  /** When we learnt of it (workflow time): a sale never booked expires after the TTL. */
  reportedAtMs: number;
  /** Lines whose BigCommerce webhook has not come yet (it may come after the order's report). */
  awaitingWebhook?: Array<{ sku: string; productId: number; variantId: number | null; units: number }>;
}

/**
 * Units of `sku` the ERP level does not reflect yet: every sale not booked, or booked after the
 * level's change time (the level predates the commit). A level changed at or after the booking
 * already counts the order in its committed quantity.
 */
export function pendingUnits(sku: string, level: Pick<ErpLevel, 'changedAtMs'> | undefined, sales: readonly PendingSale[]): number {
  let units = 0;
  for (const sale of sales) {
    const n = sale.units[sku];
    if (!n) continue;
    if (sale.bookedAtMs === undefined || level === undefined || level.changedAtMs < sale.bookedAtMs) units += n;
  }
  return units;
}

/** Sales still pending: booked ones drop once every SKU's level is at or after the booking; any drops after the TTL. */
export function openSales(sales: readonly PendingSale[], levelOf: (sku: string) => Pick<ErpLevel, 'changedAtMs'> | undefined, nowMs: number, ttlMs: number): PendingSale[] {
  return sales.filter((sale) => {
    if (nowMs - sale.reportedAtMs > ttlMs) return false;
    if (sale.bookedAtMs === undefined) return true;
    return Object.keys(sale.units).some((sku) => {
      const level = levelOf(sku);
      return level === undefined || level.changedAtMs < sale.bookedAtMs!;
    });
  });
}

/**
 * The level BigCommerce should show: the ERP's available quantity, minus units sold in
 * BigCommerce the ERP has not booked, minus the safety buffer; never below zero (BigCommerce
 * rejects a negative absolute level).
 */
export function sellableLevel(available: number, pending: number, safetyBuffer: number): number {
  return Math.max(0, available - pending - safetyBuffer);
}

/**
 * Whether a sale certainly happened after our last write to the item was applied, so BigCommerce
 * took the units off what we wrote. BigCommerce stamps orders in whole seconds and applies
 * adjustments "after a short delay", so anything inside the write's second plus `applyMarginMs`
 * is ambiguous: the caller then writes again rather than guess (a spare write is harmless, a
 * wrong guess would leave the store showing units it does not have).
 */
export function saleAfterWrite(orderCreatedS: number, writeDoneAtMs: number | undefined, applyMarginMs: number): boolean {
  return writeDoneAtMs !== undefined && orderCreatedS * 1000 > writeDoneAtMs + applyMarginMs;
}

/**
 * Echo suppression: our absolute writes come back as `store/sku/inventory/updated` or
 * `store/product/inventory/updated` with `method: "absolute"` and the value we wrote. Such an event
 * starts nothing. Anything else (a relative change, another value) was made by someone else, e.g.
 * in the BigCommerce admin.
 */
export function isEcho(event: { method: string; value: number }, recentlyWritten: readonly number[] | undefined): boolean {
  return event.method === 'absolute' && (recentlyWritten ?? []).includes(event.value);
}

/** How many recent written values are kept per item for echo matching (late echoes of older writes). */
export const ECHO_MEMORY = 3;

export function rememberWritten(recent: readonly number[] | undefined, value: number): number[] {
  return [...(recent ?? []).filter((v) => v !== value), value].slice(-ECHO_MEMORY);
}

/** SKU -> units of an order's catalog lines (what BigCommerce took from its stock for it). */
export function orderUnits(lines: ReadonlyArray<{ productId: number; sku: string; quantity: number }>): Record<string, number> {
  const units: Record<string, number> = {};
  for (const l of lines) {
    if (l.productId <= 0 || !l.sku || l.quantity <= 0) continue;
    units[l.sku] = (units[l.sku] ?? 0) + l.quantity;
  }
  return units;
}

/**
 * Units of `sku` in sales reported before the level changed and not booked yet: their booking may
 * be what changed the level (the ERP's commit event can overtake our "booked" note). Until the
 * booking time is known, the level is ambiguous by these units: anything BigCommerce shows between
 * the two readings is left alone, and outside them the lower (safe) reading is written.
 */
export function unbookedBefore(sku: string, level: Pick<ErpLevel, 'changedAtMs'>, sales: readonly PendingSale[]): number {
  let units = 0;
  for (const sale of sales) {
    const n = sale.units[sku];
    if (n && sale.bookedAtMs === undefined && sale.reportedAtMs <= level.changedAtMs) units += n;
  }
  return units;
}

/**
 * A sale BigCommerce announced by webhook (`store/{sku|product}/inventory/order/updated`, relative,
 * negative) before the order's workflow could report it: known within milliseconds instead of after
 * the order is read (which waits for the store's API quota). Keyed by the item BigCommerce names
 * (`v<variantId>` or `p<productId>`); the order's own report replaces it.
 */
export interface ProvisionalSale {
  ref: string;
  units: number;
  /** BigCommerce's event time, Unix s. */
  createdS: number;
  hash: string;
  reportedAtMs: number;
}

/** The provisional sale an order line stands for: same item, same units, same second (give or take one). */
export function matchProvisional(provisional: readonly ProvisionalSale[], line: { productId: number; variantId: number | null; units: number }, orderCreatedS: number): number {
  return provisional.findIndex(
    (p) => (p.ref === `p${line.productId}` || (line.variantId !== null && p.ref === `v${line.variantId}`)) && p.units === line.units && Math.abs(p.createdS - orderCreatedS) <= 1,
  );
}

/** The reported order line a late webhook stands for (same item, units, second), as [sale index, line index]. */
export function matchReportedLine(sales: readonly PendingSale[], ev: { ref: string; units: number; createdS: number }): [number, number] | undefined {
  for (let i = 0; i < sales.length; i++) {
    const sale = sales[i]!;
    if (Math.abs(sale.orderCreatedS - ev.createdS) > 1) continue;
    const j = (sale.awaitingWebhook ?? []).findIndex((l) => (ev.ref === `p${l.productId}` || (l.variantId !== null && ev.ref === `v${l.variantId}`)) && l.units === ev.units);
    if (j >= 0) return [i, j];
  }
  return undefined;
}

/** An order's catalog lines by SKU, with the ids BigCommerce's inventory webhooks name. */
export function orderLines(
  lines: ReadonlyArray<{ productId: number; variantId: number | null; sku: string; quantity: number }>,
): Array<{ sku: string; productId: number; variantId: number | null; units: number }> {
  const bySku = new Map<string, { sku: string; productId: number; variantId: number | null; units: number }>();
  for (const l of lines) {
    if (l.productId <= 0 || !l.sku || l.quantity <= 0) continue;
    const seen = bySku.get(l.sku);
    if (seen) seen.units += l.quantity;
    else bySku.set(l.sku, { sku: l.sku, productId: l.productId, variantId: l.variantId, units: l.quantity });
  }
  return [...bySku.values()];
}
