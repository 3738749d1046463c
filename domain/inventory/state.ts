import { ADJUSTMENT_MAX_ITEMS, batchesByLocation, lagPercentile, newLagHistogram, recordLag, type AbsoluteItem } from './batches';
import { emptyInventoryCarried, migrateCarried, type FlushTiming, type InventoryCarried, type LegacyInventoryCarried } from './carried';
import {
  coalesce,
  isEcho,
  levelKey,
  matchProvisional,
  matchReportedLine,
  pendingUnits,
  rememberWritten,
  saleAfterWrite,
  sellableLevel,
  supersedes,
  type ErpLevel,
  type PendingSale,
} from './levels';
import { bookingAwaited, planItem, pruneSales, readingAfterSale, soldOutButShown, type PlanView } from './plan';

/**
 * The state of a store's inventorySync and every decision it makes, with no I/O and no clock:
 * each method that needs the time takes it (`nowMs`, the workflow's time), so replay gives the same
 * answers. The workflow calls the activities and timers; this decides what they carry.
 */

/** An order's sale as its workflow reports it (the `inventorySale` signal). */
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

export interface InventorySummary {
  stats: InventoryCarried['stats'];
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

/** One SKU at one location: the ERP level, what BigCommerce should show, what we believe it shows. */
export interface SkuLevel {
  location: string;
  available: number;
  changedAt: string;
  expected: number | null;
  pending: number;
  want: number;
}

/** The configuration the decisions read (from the workflow's input). */
export interface InventorySettings {
  /** ERP location id -> BigCommerce location id. */
  locations: Record<string, number>;
  orderLocation: string;
  safetyBuffer: number;
  pendingTtlMs: number;
  applyMarginMs: number;
}

/** Behaviour the workflow's patches switch on (runs recorded before each replay without it). */
export interface InventoryBehaviour {
  /** `inventory-late-plan`: plan each batch late, wait for bookings, re-check ambiguous writes. */
  latePlan: boolean;
  /** `inventory-sold-out-first`: an item sold out in the ERP and shown in BigCommerce does not wait for quiet. */
  soldOutFirst: boolean;
  /** `inventory-read-every-location`: the lookup's reading of every location is kept until the ERP's level there comes. */
  readEveryLocation: boolean;
}

export type PlannedItem = AbsoluteItem & { key: string; recheck?: boolean };

/** A flush under way: the items it took, and which of them were forced (written even if BigCommerce seems right). */
export interface Flush {
  keys: Set<string>;
  wasForced: Set<string>;
  /** Started because an item sold out in the ERP is still for sale: no extra lookup rounds for latecomers. */
  soldOut: boolean;
}

const SALE_HASHES_KEPT = 2_000;
/** A flush looks up the tracking of SKUs that came in during its lookups at most this many more times. */
export const LOOKUP_ROUNDS = 3;
/** An item sold out in the ERP but shown in BigCommerce is written this soon (or after the quiet window, if shorter). */
export const SOLD_OUT_GATHER_MS = 500;
/** KeywordList values are limited in size (2 KB by default): a write is recorded in parts of this many SKUs. */
export const SKUS_PER_RECORD = 100;
const RECENT_WRITES_KEPT = 20;

const skuOf = (key: string): string => key.split('\u0001')[0]!;

export class InventoryState {
  /** The part carried across continue-as-new (items, tracking, sales, stats...). */
  readonly kept: InventoryCarried;
  /** Items changed since the last flush took them. */
  readonly dirty: Set<string>;
  /** Items to write even if BigCommerce seems to show them right (it was changed there by someone else). */
  readonly forced: Set<string>;
  /** Items whose level may or may not count an order being booked: looked at again when it is. */
  readonly awaitingBooking: Set<string>;
  firstDirtyAtMs: number;
  lastInputAtMs: number;
  /** When the first item sold out in the ERP but shown in BigCommerce came in since the last flush began. */
  soldOutSinceMs: number | undefined;
  /** While a flush runs: when the oldest change it carries came in (for the `summary` query only). */
  flushingSinceMs: number | undefined;
  /** Counts the inputs that hold the quiet window (the wait for a flush watches it). */
  inputs = 0;
  /** While a batch is out: its items' keys -> the store's sales of them reported meanwhile (units, order time). */
  private readonly writing = new Map<string, Array<{ units: number; createdS: number }>>();
  private bySkuCache: { size: number; map: Map<string, string> } | undefined;

  /**
   * `carried`: the previous run's state, in either shape (migrated here); `carryTiming`: whether its
   * flush timing counts (patch `inventory-carry-flush-timing`).
   */
  constructor(
    carried: InventoryCarried | LegacyInventoryCarried | undefined,
    private readonly settings: InventorySettings,
    private readonly behaviour: InventoryBehaviour,
    carryTiming: boolean,
    nowMs: number,
  ) {
    this.kept = carried ? migrateCarried(carried) : emptyInventoryCarried(newLagHistogram);
    const timing: FlushTiming | undefined = carryTiming ? this.kept.flushTiming : undefined;
    delete this.kept.flushTiming;
    this.soldOutSinceMs = timing?.soldOutSinceMs;
    this.dirty = new Set(this.kept.dirty);
    this.forced = new Set(this.kept.forced);
    this.awaitingBooking = new Set(this.kept.awaitingBooking ?? []);
    this.firstDirtyAtMs = this.dirty.size ? (timing?.firstDirtyAtMs ?? nowMs) : 0;
    this.lastInputAtMs = timing?.lastInputAtMs ?? 0;
  }

  /** The state for the next run (continue-as-new). */
  toCarried(carryTiming: boolean): InventoryCarried {
    const flushTiming: Pick<InventoryCarried, 'flushTiming'> = carryTiming
      ? {
          flushTiming: {
            firstDirtyAtMs: this.firstDirtyAtMs,
            lastInputAtMs: this.lastInputAtMs,
            ...(this.soldOutSinceMs !== undefined ? { soldOutSinceMs: this.soldOutSinceMs } : {}),
          },
        }
      : {};
    return { ...this.kept, dirty: [...this.dirty], forced: [...this.forced], awaitingBooking: [...this.awaitingBooking], ...flushTiming };
  }

  // --- Inputs -------------------------------------------------------------------------------

  /** ERP levels pushed to us (the `inventoryChanges` signal): their arrival lag is measured, then applied. */
  receiveLevels(levels: ErpLevel[], nowMs: number): void {
    const c = this.kept;
    c.arrival ??= newLagHistogram();
    for (const l of levels) recordLag(c.arrival, Math.max(0, nowMs - l.changedAtMs));
    this.applyLevels(levels, nowMs);
    this.inputs++;
  }

  /** Applies ERP levels (pushed or swept): the latest per item wins by the ERP's change time. */
  applyLevels(levels: ErpLevel[], nowMs: number): void {
    const c = this.kept;
    c.stats.changesReceived += levels.length;
    const winners = coalesce((k) => (c.items[k] ? { changedAtMs: c.items[k]!.changedAtMs } : undefined), levels);
    c.stats.staleIgnored += levels.length - winners.length;
    for (const l of levels) {
      // Every change waits to be reflected (or superseded): its lag is measured when its item settles.
      const key = levelKey(l.sku, l.location);
      if (c.items[key] && !supersedes({ changedAtMs: c.items[key]!.changedAtMs }, l)) continue;
      c.unsettled[key] ??= [];
      c.unsettled[key].push(l.changedAtMs);
    }
    const physical = new Set<string>();
    for (const l of winners) {
      const key = levelKey(l.sku, l.location);
      const prev = c.items[key];
      // On hand moved: goods came or went (a receipt, a count). Only committed moved: an order was booked.
      if (!prev || prev.onHand !== l.quantityOnHand) physical.add(key);
      // The first level at a location the lookup already read: born knowing what BigCommerce shows there.
      const reading = !prev && this.behaviour.readEveryLocation ? c.storeReadings?.[key] : undefined;
      if (reading) delete c.storeReadings![key];
      c.items[key] = {
        ...prev,
        ...(reading ? { storeLevel: reading.storeLevel, storeLevelAtMs: reading.readAtMs } : {}),
        available: l.quantityAvailable,
        onHand: l.quantityOnHand,
        changedAtMs: l.changedAtMs,
      };
      c.stats.changesApplied++;
    }
    this.touched(
      winners.map((l) => levelKey(l.sku, l.location)),
      nowMs,
      { physical },
    );
  }

  /** An order's sale (new, changed, or cancelled: no units) reported by its workflow. */
  applySale(sale: InventorySale, nowMs: number): void {
    const c = this.kept;
    const i = c.sales.findIndex((s) => s.orderId === sale.orderId);
    const before: Record<string, number> = { ...(i >= 0 ? c.sales[i]!.units : {}) };
    const awaitingWebhook: NonNullable<PendingSale['awaitingWebhook']> = [];
    if (i < 0) {
      // BigCommerce's webhook announced these units already (and they were accounted for then);
      // a line whose webhook has not come yet waits for it, so the webhook does not count it twice.
      for (const line of sale.lines ?? []) {
        const j = matchProvisional(c.provisional ?? [], line, sale.orderCreatedS);
        if (j < 0) {
          awaitingWebhook.push(line);
          continue;
        }
        c.provisional!.splice(j, 1);
        before[line.sku] = (before[line.sku] ?? 0) + line.units;
      }
    }
    if (Object.keys(sale.units).length === 0) {
      if (i >= 0) c.sales.splice(i, 1);
    } else if (i >= 0) {
      c.sales[i] = { ...c.sales[i]!, units: sale.units };
    } else {
      c.sales.push({
        orderId: sale.orderId,
        units: sale.units,
        orderCreatedS: sale.orderCreatedS,
        reportedAtMs: nowMs,
        ...(awaitingWebhook.length ? { awaitingWebhook } : {}),
      });
      c.stats.salesReported++;
    }
    // BigCommerce took (or gave back) these units itself. If it surely did so after our last write
    // landed, what it shows moved by the same amount as what it should show: nothing to write.
    // Otherwise (our write may have overwritten the sale) the item is looked at again.
    const keys: string[] = [];
    for (const sku of new Set([...Object.keys(before), ...Object.keys(sale.units)])) {
      const key = levelKey(sku, this.settings.orderLocation);
      const delta = (sale.units[sku] ?? 0) - (before[sku] ?? 0);
      if (delta === 0) continue;
      // Only a new sale has a known time (the order's); units given back (a cancellation) are looked at again.
      if (delta > 0) this.storeTookUnits(key, delta, sale.orderCreatedS);
      else if (!c.items[key]) this.storeSoldBeforeLevel(key, delta, sale.orderCreatedS);
      keys.push(key);
    }
    this.touched(keys, nowMs);
    this.inputs++;
  }

  /** The ERP booked an order (its sales order's time): the first booking counts, later upserts do not move stock. */
  applyBooking(orderId: number, bookedAtMs: number, nowMs: number): void {
    const sale = this.kept.sales.find((s) => s.orderId === orderId);
    if (!sale || sale.bookedAtMs !== undefined) return;
    sale.bookedAtMs = bookedAtMs;
    this.kept.stats.salesBooked++;
    for (const sku of Object.keys(sale.units)) {
      const key = levelKey(sku, this.settings.orderLocation);
      if (this.awaitingBooking.delete(key)) this.touched([key], nowMs);
    }
    // A flush waiting for bookings looks again.
    if (this.behaviour.latePlan) this.inputs++;
  }

  /** BigCommerce's inventory webhooks: an order's take (a provisional sale), an echo of our write, or someone else's change. */
  applyStoreEvents(events: BcInventoryEvent[], nowMs: number): void {
    const c = this.kept;
    const bySku = this.skuIndex();
    for (const ev of events) {
      const sku = (ev.variantId !== undefined ? bySku.get(`v${ev.variantId}`) : undefined) ?? bySku.get(`p${ev.productId}`);
      if (ev.byOrder) {
        this.provisionalSale(ev, sku, nowMs);
        continue;
      }
      if (!sku) continue;
      const keys = Object.keys(this.settings.locations)
        .map((loc) => levelKey(sku, loc))
        .filter((k) => c.items[k]);
      if (keys.some((k) => isEcho(ev, c.items[k]!.recentlyWritten))) {
        c.stats.echoesIgnored++;
        continue;
      }
      // Not ours: what the lookup read at locations with no ERP level yet no longer holds.
      for (const loc of Object.keys(this.settings.locations)) if (c.storeReadings) delete c.storeReadings[levelKey(sku, loc)];
      // Changed by someone else (the BigCommerce admin, another app): the ERP is the truth, say it again.
      c.stats.reasserts++;
      for (const k of keys) this.forced.add(k);
      this.touched(keys, nowMs, { force: true });
      this.inputs++;
    }
  }

  /** An order took units (BigCommerce's webhook, before the order's workflow can say so). */
  private provisionalSale(ev: BcInventoryEvent, sku: string | undefined, nowMs: number): void {
    const c = this.kept;
    if (ev.method !== 'relative' || ev.value >= 0 || ev.createdS === undefined || !ev.hash) return;
    // BigCommerce may deliver an event twice (same hash): counted once.
    c.saleHashes ??= [];
    const hashes = c.saleHashes;
    if (hashes.includes(ev.hash)) return;
    hashes.push(ev.hash);
    if (hashes.length > SALE_HASHES_KEPT) hashes.splice(0, hashes.length - SALE_HASHES_KEPT);
    const units = -ev.value;
    const ref = ev.variantId !== undefined ? `v${ev.variantId}` : `p${ev.productId}`;
    // The order's workflow reported it first: it is counted (and BigCommerce's taking it accounted for).
    for (const list of [c.sales, c.settledAwaitingWebhook ?? []]) {
      const reported = matchReportedLine(list, { ref, units, createdS: ev.createdS });
      if (reported) {
        list[reported[0]]!.awaitingWebhook!.splice(reported[1], 1);
        return;
      }
    }
    c.provisional ??= [];
    c.provisional.push({ ref, units, createdS: ev.createdS, hash: ev.hash, reportedAtMs: nowMs });
    if (!sku) return;
    const key = levelKey(sku, this.settings.orderLocation);
    this.storeTookUnits(key, units, ev.createdS);
    this.touched([key], nowMs);
    this.inputs++;
  }

  /**
   * BigCommerce took `units` of an item at the order location for an order created at `createdS`:
   * a sale surely after our last write (or read) is already off what it shows; a write out now is
   * judged against it when it answers; an item with no ERP level yet moves its kept reading.
   */
  private storeTookUnits(key: string, units: number, createdS: number): void {
    const item = this.kept.items[key];
    if (item?.storeLevel !== undefined && saleAfterWrite(createdS, item.storeLevelAtMs, this.settings.applyMarginMs)) item.storeLevel = Math.max(0, item.storeLevel - units);
    if (!item) this.storeSoldBeforeLevel(key, units, createdS);
    this.writing.get(key)?.push({ units, createdS });
  }

  /** BigCommerce sold (or gave back) units of an item whose ERP level has not come: its kept reading follows, or is dropped when unsure. */
  private storeSoldBeforeLevel(key: string, units: number, orderCreatedS: number): void {
    const readings = this.kept.storeReadings;
    const reading = readings?.[key];
    if (!reading) return;
    const next = readingAfterSale(reading, units, orderCreatedS, this.settings.applyMarginMs);
    if (next) readings![key] = next;
    else delete readings![key];
  }

  private markDirty(key: string, nowMs: number): void {
    if (this.dirty.size === 0) this.firstDirtyAtMs = nowMs;
    this.dirty.add(key);
  }

  /**
   * What holds the flush back (the quiet window): goods moving in the ERP (on hand changed), a
   * change in BigCommerce to set right, and anything that makes a written item wrong. The stream an
   * order stream brings (its sale notes, the ERP's commits, the bookings) does not, or a busy store
   * would never be quiet: its items are written with the next flush all the same.
   */
  private touched(keys: string[], nowMs: number, opts: { physical?: Set<string>; force?: boolean } = {}): void {
    const announced = this.provisionalUnits();
    const v = this.view();
    for (const key of keys) {
      this.markDirty(key, nowMs);
      if (this.behaviour.soldOutFirst && this.soldOutSinceMs === undefined && soldOutButShown(v, key, announced)) this.soldOutSinceMs = nowMs;
      if (opts.force || opts.physical?.has(key)) {
        this.lastInputAtMs = nowMs;
        continue;
      }
      const plan = planItem(v, key, announced, false);
      if (plan.kind === 'write' && this.kept.items[key]?.storeLevel !== undefined) this.lastInputAtMs = nowMs;
    }
  }

  // --- Waiting for a flush -------------------------------------------------------------------

  /**
   * When the items waiting should be flushed: after a quiet moment, never later than maxWaitMs after
   * the first change; a little later for an order's booking on its way; sooner for an item sold out
   * in the ERP but still for sale in the store.
   */
  flushDeadline(nowMs: number, timing: { quietMs: number; maxWaitMs: number; bookingWaitMs: number }): number {
    const cap = this.firstDirtyAtMs + timing.maxWaitMs;
    let deadline = Math.min(this.lastInputAtMs + timing.quietMs, cap);
    // Quiet, but a changed item may or may not count an order whose "booked" note is on its way:
    // written now, it would need a second write once the note comes. Wait a little for it.
    if (this.behaviour.latePlan && nowMs >= deadline && bookingAwaited(this.view(), this.dirty))
      deadline = Math.min(this.lastInputAtMs + timing.quietMs + timing.bookingWaitMs, cap);
    // Sold out in the ERP, still for sale in the store: no waiting for the stream to pause (nor for a booking: 0 is the safe reading).
    if (this.soldOutSinceMs !== undefined) deadline = Math.min(deadline, this.soldOutSinceMs + Math.min(SOLD_OUT_GATHER_MS, timing.quietMs));
    return deadline;
  }

  // --- A flush -------------------------------------------------------------------------------

  /** Takes every item waiting (changed, or awaiting a booking) into a new flush. */
  beginFlush(nowMs: number): Flush {
    this.flushingSinceMs = this.firstDirtyAtMs;
    const soldOut = this.soldOutSinceMs !== undefined;
    this.soldOutSinceMs = undefined;
    this.kept.stats.flushes++;
    this.dropSettledSales(nowMs);
    const keys = new Set([...this.dirty, ...this.awaitingBooking]);
    this.dirty.clear();
    this.awaitingBooking.clear();
    const flush: Flush = { keys, wasForced: new Set(), soldOut };
    this.takeForced(flush, keys);
    return flush;
  }

  endFlush(): void {
    this.flushingSinceMs = undefined;
  }

  private takeForced(flush: Flush, keys: Iterable<string>): void {
    for (const k of keys) if (this.forced.delete(k)) flush.wasForced.add(k);
  }

  /** The SKUs of the flush whose tracking is not known yet (to look up). */
  unknownSkus(flush: Flush): string[] {
    return [...new Set([...flush.keys].map(skuOf))].filter((sku) => !(sku in this.kept.tracking));
  }

  /** What the tracking lookup found; with late planning, what BigCommerce shows is read with it (`readAtMs`). */
  applyLookup(found: { calls: number; items: Array<{ sku: string; ref: InventoryCarried['tracking'][string]; onHand?: Record<number, number> }> }, readAtMs: number): void {
    this.kept.stats.lookupCalls += found.calls;
    for (const t of found.items) {
      this.kept.tracking[t.sku] = t.ref;
      if (this.behaviour.latePlan && t.ref && t.onHand) this.observeShown(t.sku, t.onHand, readAtMs);
    }
  }

  /** BigCommerce could not be read for the whole retry policy: everything waits for the next flush. */
  lookupFailed(flush: Flush, problem: string, nowMs: number): void {
    this.kept.lastProblem = `tracking lookup failed: ${problem}`;
    for (const k of flush.keys) this.markDirty(k, nowMs);
    for (const k of flush.wasForced) this.forced.add(k);
  }

  /**
   * After lookup round `round`: with late planning, changes that came in during the lookups join
   * this flush (true: look up again), up to LOOKUP_ROUNDS more rounds (none in a sold-out flush).
   */
  takeLatecomers(flush: Flush, round: number): boolean {
    if (!this.behaviour.latePlan || this.dirty.size === 0 || round >= (flush.soldOut ? 0 : LOOKUP_ROUNDS)) return false;
    const more = [...this.dirty];
    this.dirty.clear();
    for (const k of more) flush.keys.add(k);
    this.takeForced(flush, more);
    return true;
  }

  /**
   * What BigCommerce shows for an item we never wrote (read with its tracking): an item it already
   * shows right needs no write. Treated like a write of that level at `atMs`, so a sale after it
   * is taken off it, as after our own writes.
   */
  private observeShown(sku: string, onHandByBcLocation: Record<number, number>, atMs: number): void {
    const c = this.kept;
    for (const [loc, bcLocationId] of Object.entries(this.settings.locations)) {
      const key = levelKey(sku, loc);
      const item = c.items[key];
      const shown = onHandByBcLocation[bcLocationId];
      if (shown === undefined) continue;
      // No ERP level there yet: kept for when it comes (read once per SKU, this is the only chance).
      if (!item && this.behaviour.readEveryLocation) {
        c.storeReadings ??= {};
        c.storeReadings[key] = { storeLevel: shown, readAtMs: atMs };
      }
      if (!item || item.storeLevel !== undefined) continue;
      item.storeLevel = shown;
      item.storeLevelAtMs = atMs;
    }
  }

  /** Plans each key once (counting what needs no write), returning the items to write. */
  planKeys(keys: Iterable<string>, wasForced: ReadonlySet<string>, nowMs: number): PlannedItem[] {
    const c = this.kept;
    const announced = this.provisionalUnits();
    const v = this.view();
    const planned: PlannedItem[] = [];
    for (const key of keys) {
      const plan = planItem(v, key, announced, wasForced.has(key));
      const sku = skuOf(key);
      if (plan.kind === 'missing' || plan.kind === 'unknown') continue;
      if (plan.kind === 'unmapped' || plan.kind === 'unwritable') {
        if (plan.kind === 'unmapped') c.stats.unmappedLocation++;
        else c.stats.unwritable++;
        delete c.unsettled[key];
        continue;
      }
      if (plan.kind === 'hold') {
        // BigCommerce shows a level right under one reading: wait for the booking time to tell which.
        this.awaitingBooking.add(key);
        c.stats.heldForBooking = (c.stats.heldForBooking ?? 0) + 1;
        continue;
      }
      if (plan.kind === 'same') {
        c.stats.unchangedSkipped++;
        this.settle(key, nowMs);
        continue;
      }
      if (plan.kind === 'write') planned.push({ key, sku, bcLocationId: plan.bcLocationId, ref: plan.ref, quantity: plan.want, recheck: plan.recheck });
    }
    return planned;
  }

  /**
   * The flush's batches, one request at a time (`next` is asked once the previous write answered).
   * With late planning each batch is planned again with what is known when its turn comes, and the
   * changes that came in meanwhile join it: every location in the same request (`allLocations`,
   * BigCommerce takes 2000 items at any locations), or (runs before it) per location while that
   * location has not been written in this flush yet.
   */
  batches(flush: Flush, planned: PlannedItem[], mode: { allLocations: boolean }): BatchCursor {
    if (!this.behaviour.latePlan) {
      const fixed = batchesByLocation(planned);
      return { next: () => fixed.shift() };
    }
    return mode.allLocations ? this.mixedBatches(flush, planned) : this.perLocationBatches(flush, planned);
  }

  /** Plans `items` again and takes in the changes waiting that `include` accepts (tracking known). */
  private replan(flush: Flush, items: readonly PlannedItem[], include: (loc: string) => boolean, nowMs: number): PlannedItem[] {
    const out = new Map<string, PlannedItem>();
    const announced = this.provisionalUnits();
    const v = this.view();
    for (const p of items) {
      const plan = planItem(v, p.key, announced, flush.wasForced.has(p.key));
      if (plan.kind === 'write') out.set(p.key, { ...p, quantity: plan.want, recheck: plan.recheck });
      // No longer a write (BigCommerce's own sale made it right, a booking to wait for): the next flush says why.
      else this.markDirty(p.key, nowMs);
    }
    const fresh = [...this.dirty].filter((k) => {
      const [sku, loc] = k.split('\u0001') as [string, string];
      return include(loc) && sku in this.kept.tracking;
    });
    for (const k of fresh) {
      this.dirty.delete(k);
      if (this.forced.delete(k)) flush.wasForced.add(k);
    }
    for (const p of this.planKeys(fresh, flush.wasForced, nowMs)) out.set(p.key, p);
    return [...out.values()];
  }

  private perLocationBatches(flush: Flush, planned: PlannedItem[]): BatchCursor {
    const groups = new Map<number, PlannedItem[]>();
    for (const p of planned) {
      const group = groups.get(p.bcLocationId);
      if (group) group.push(p);
      else groups.set(p.bcLocationId, [p]);
    }
    for (const loc of Object.values(this.settings.locations)) if (!groups.has(loc)) groups.set(loc, []);
    const turns = [...groups].sort((a, b) => a[0] - b[0]);
    const ready: PlannedItem[][] = [];
    return {
      next: (nowMs) => {
        while (!ready.length && turns.length) {
          const [bcLocationId, group] = turns.shift()!;
          const list = this.replan(flush, group, (loc) => this.settings.locations[loc] === bcLocationId, nowMs);
          for (let i = 0; i < list.length; i += ADJUSTMENT_MAX_ITEMS) ready.push(list.slice(i, i + ADJUSTMENT_MAX_ITEMS));
        }
        return ready.shift();
      },
    };
  }

  private mixedBatches(flush: Flush, planned: PlannedItem[]): BatchCursor {
    let waiting: PlannedItem[] | undefined = planned;
    return {
      next: (nowMs) => {
        if (!waiting) return undefined;
        const items = this.replan(flush, waiting, (loc) => this.settings.locations[loc] !== undefined, nowMs);
        const list = batchesByLocation(items, Number.MAX_SAFE_INTEGER).flat();
        const rest = list.slice(ADJUSTMENT_MAX_ITEMS);
        waiting = rest.length ? rest : undefined;
        return list.length ? list.slice(0, ADJUSTMENT_MAX_ITEMS) : undefined;
      },
    };
  }

  /** Before a batch goes out: remembered for echo matching (its echo can beat its answer), and the store's sales meanwhile collected. */
  beforeWrite(batch: readonly PlannedItem[], collectSales: boolean): void {
    for (const p of batch) this.kept.items[p.key]!.recentlyWritten = rememberWritten(this.kept.items[p.key]!.recentlyWritten, p.quantity);
    if (collectSales) for (const p of batch) this.writing.set(p.key, []);
  }

  /**
   * A refused batch (422: tracking changed, item deleted) forgets the tracking of its SKUs, so the
   * next flush looks them up again; every item stays to be written.
   */
  writeFailed(flush: Flush, batch: readonly PlannedItem[], problem: string, nowMs: number): void {
    for (const p of batch) this.writing.delete(p.key);
    this.kept.stats.writeFailures++;
    this.kept.lastProblem = problem;
    for (const p of batch) {
      delete this.kept.tracking[p.sku];
      this.markDirty(p.key, nowMs);
      if (flush.wasForced.has(p.key)) this.forced.add(p.key);
    }
  }

  /** BigCommerce took the batch at `takenAtMs` (its answer); the workflow saw the answer at `doneAtMs`. */
  writeDone(flush: Flush, batch: readonly PlannedItem[], takenAtMs: number, doneAtMs: number): void {
    const c = this.kept;
    c.stats.writeCalls++;
    c.stats.itemsWritten += batch.length;
    const perLocation = batchesByLocation(batch, Number.MAX_SAFE_INTEGER).map((g) => ({ atMs: doneAtMs, bcLocationId: g[0]!.bcLocationId, items: g.length }));
    c.recentWrites = [...(c.recentWrites ?? []), ...perLocation].slice(-RECENT_WRITES_KEPT);
    c.lastProblem = null;
    for (const p of batch) {
      const item = c.items[p.key]!;
      item.storeLevel = p.quantity;
      item.storeLevelAtMs = takenAtMs;
      // The store's sales reported while the write was out: one surely after BigCommerce applied it
      // is already off what the store shows; any other may have been overwritten, and is written again.
      for (const sold of this.writing.get(p.key) ?? [])
        if (saleAfterWrite(sold.createdS, takenAtMs, this.settings.applyMarginMs)) item.storeLevel = Math.max(0, item.storeLevel - sold.units);
      this.writing.delete(p.key);
      if (flush.wasForced.has(p.key)) c.stats.reassertItems++;
      if (this.behaviour.latePlan && p.recheck) this.awaitingBooking.add(p.key);
      this.settle(p.key, doneAtMs);
    }
  }

  /** The records of a write: its number, and per BigCommerce location up to SKUS_PER_RECORD SKUs a part. */
  nextWriteRecord(batch: readonly PlannedItem[]): { n: number; parts: Array<{ bcLocationId: number; levels: Record<string, number>; skus: string[]; items: number }> } {
    const n = ++this.kept.writes;
    const parts = batchesByLocation(batch, SKUS_PER_RECORD).map((part) => ({
      bcLocationId: part[0]!.bcLocationId,
      levels: Object.fromEntries(part.map((p) => [p.sku, p.quantity])),
      skus: [...new Set(part.map((p) => p.sku))],
      items: part.length,
    }));
    return { n, parts };
  }

  private settle(key: string, atMs: number): void {
    for (const t of this.kept.unsettled[key] ?? []) recordLag(this.kept.lag, Math.max(0, atMs - t));
    delete this.kept.unsettled[key];
  }

  /** Drops sales the ERP's levels count now (or past the TTL), provisional ones and store readings past the TTL. */
  dropSettledSales(nowMs: number): void {
    const c = this.kept;
    const ttl = this.settings.pendingTtlMs;
    const kept = pruneSales(this.view(), nowMs, ttl);
    c.sales = kept.sales;
    c.settledAwaitingWebhook = kept.settledAwaitingWebhook;
    c.provisional = (c.provisional ?? []).filter((p) => nowMs - p.reportedAtMs <= ttl);
    // Readings of locations the ERP never reported: bounded like the sales.
    for (const [key, reading] of Object.entries(c.storeReadings ?? {})) if (nowMs - reading.readAtMs > ttl) delete c.storeReadings![key];
  }

  // --- The sweep -------------------------------------------------------------------------------

  /** A sweep of the ERP's levels starts at the watermark less the overlap (or the initial lookback). */
  beginSweep(nowMs: number, sweep: { overlapMs: number; initialLookbackMs: number }): Sweep {
    return {
      cursor: { sinceMs: (this.kept.sweepWatermarkMs ?? nowMs - sweep.initialLookbackMs) - sweep.overlapMs, offset: 0 },
      newestMs: this.kept.sweepWatermarkMs ?? 0,
    };
  }

  /** A page of the sweep: its levels are applied like pushed ones; false when it was the last page. */
  applySweepPage(sweep: Sweep, page: { levels: ErpLevel[]; next?: { sinceMs: number; offset: number } | null }, nowMs: number): boolean {
    this.kept.stats.sweepRows += page.levels.length;
    this.applyLevels(page.levels, nowMs);
    for (const l of page.levels) sweep.newestMs = Math.max(sweep.newestMs, l.changedAtMs);
    if (!page.next) return false;
    sweep.cursor = page.next;
    return true;
  }

  /** The sweep read its last page: the watermark moves to the newest change it saw. */
  endSweep(sweep: Sweep): void {
    this.kept.stats.sweeps++;
    this.kept.sweepWatermarkMs = sweep.newestMs || this.kept.sweepWatermarkMs;
  }

  // --- What it answers -----------------------------------------------------------------------

  waitingSince(): string | null {
    const since = Math.min(this.flushingSinceMs ?? Infinity, this.dirty.size ? this.firstDirtyAtMs : Infinity);
    return since === Infinity ? null : new Date(since).toISOString();
  }

  summary(nowMs: number): InventorySummary {
    const c = this.kept;
    return {
      stats: c.stats,
      items: Object.keys(c.items).length,
      dirty: this.dirty.size,
      // What still counts (a sale the levels already count waits for the next flush to be dropped).
      pendingSales: pruneSales(this.view(), nowMs, this.settings.pendingTtlMs).sales.length + (c.provisional?.length ?? 0),
      sweepWatermark: c.sweepWatermarkMs === null ? null : new Date(c.sweepWatermarkMs).toISOString(),
      lagP50Ms: lagPercentile(c.lag, 50),
      lagP95Ms: lagPercentile(c.lag, 95),
      arrivalP95Ms: lagPercentile(c.arrival ?? newLagHistogram(), 95),
      lastProblem: c.lastProblem,
      recentWrites: (c.recentWrites ?? []).map((w) => ({ at: new Date(w.atMs).toISOString(), bcLocationId: w.bcLocationId, items: w.items })),
      waitingSince: this.waitingSince(),
    };
  }

  /** The ERP change time held per item: what a check for lost changes compares with the ERP. */
  held(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.kept.items).map(([k, v]) => [k, v.changedAtMs]));
  }

  skuLevels(sku: string): SkuLevel[] {
    const { locations, orderLocation, safetyBuffer } = this.settings;
    return Object.keys(locations).flatMap((loc) => {
      const item = this.kept.items[levelKey(sku, loc)];
      if (!item) return [];
      const pending = loc === orderLocation ? pendingUnits(sku, { changedAtMs: item.changedAtMs }, this.kept.sales) + (this.provisionalUnits().get(sku) ?? 0) : 0;
      return [
        {
          location: loc,
          available: item.available,
          changedAt: new Date(item.changedAtMs).toISOString(),
          expected: item.storeLevel ?? null,
          pending,
          want: sellableLevel(item.available, pending, safetyBuffer),
        },
      ];
    });
  }

  /** The workflow's details in the Web UI (markdown). */
  details(storeHash: string): string {
    const c = this.kept;
    const s = c.stats;
    return [
      `**Inventory ERP -> BigCommerce, store \`${storeHash}\`** · ${Object.keys(c.items).length} items · ${this.dirty.size} waiting · ${c.sales.length} sales not booked in the ERP`,
      `- Changes ${s.changesReceived} (applied ${s.changesApplied}, older than held ${s.staleIgnored}) · flushes ${s.flushes} · write calls ${s.writeCalls} · items written ${s.itemsWritten} · already right ${s.unchangedSkipped}`,
      `- Echoes of our writes ignored ${s.echoesIgnored} · changed in BigCommerce, re-asserted ${s.reasserts} · unwritable ${s.unwritable} · unmapped location ${s.unmappedLocation}`,
      `- Sweeps ${s.sweeps} (${s.sweepRows} rows) · watermark ${c.sweepWatermarkMs === null ? 'none yet' : new Date(c.sweepWatermarkMs).toISOString()} · lag p50 ${lagPercentile(c.lag, 50) / 1000}s p95 ${lagPercentile(c.lag, 95) / 1000}s`,
      `- Find a SKU's writes: \`BcSkus = "<sku>"\`; its levels: query \`sku\` with the SKU`,
      ...(c.lastProblem ? [`- **Last write failed**: ${c.lastProblem} (retried on the next flush)`] : []),
    ].join('\n');
  }

  // --- Helpers -------------------------------------------------------------------------------

  /** What the pure planning functions read (the live state: no copy). */
  private view(): PlanView & { settledAwaitingWebhook?: PendingSale[] } {
    const c = this.kept;
    return {
      items: c.items,
      tracking: c.tracking,
      sales: c.sales,
      settledAwaitingWebhook: c.settledAwaitingWebhook,
      locations: this.settings.locations,
      orderLocation: this.settings.orderLocation,
      safetyBuffer: this.settings.safetyBuffer,
    };
  }

  /** Provisional units per SKU (mapped through the tracking cache; unknown items are not synced). */
  private provisionalUnits(): Map<string, number> {
    const bySku = this.skuIndex();
    const out = new Map<string, number>();
    for (const p of this.kept.provisional ?? []) {
      const sku = bySku.get(p.ref);
      if (sku) out.set(sku, (out.get(sku) ?? 0) + p.units);
    }
    return out;
  }

  /** BigCommerce's item names (`p<productId>`, `v<variantId>`) -> SKU, rebuilt when the tracking map grows or shrinks. */
  private skuIndex(): Map<string, string> {
    const size = Object.keys(this.kept.tracking).length;
    if (this.bySkuCache?.size === size) return this.bySkuCache.map;
    const map = new Map<string, string>();
    for (const [sku, ref] of Object.entries(this.kept.tracking)) if (ref) map.set('productId' in ref ? `p${ref.productId}` : `v${ref.variantId}`, sku);
    this.bySkuCache = { size, map };
    return map;
  }
}

/** A sweep under way: the next page to read, and the newest ERP change time seen. */
export interface Sweep {
  cursor: { sinceMs: number; offset: number };
  newestMs: number;
}

/** The next batch of a flush, planned at `nowMs` (undefined: the flush has nothing more to write). */
export interface BatchCursor {
  next(nowMs: number): PlannedItem[] | undefined;
}
