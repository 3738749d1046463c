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
import { ADJUSTMENT_MAX_ITEMS, batchesByLocation, lagPercentile, newLagHistogram, recordLag, type AbsoluteItem } from '../../domain/inventory/batches';
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
} from '../../domain/inventory/levels';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  inventoryWorkflowId,
  emptyInventoryStats,
  inventoryBcEventsSignal,
  inventoryBookedSignal,
  inventoryChangesSignal,
  inventoryHeldQuery,
  inventorySaleSignal,
  inventorySkuQuery,
  inventorySummaryQuery,
  inventorySweepSignal,
  type BcInventoryEvent,
  type InventoryCarried,
  type InventorySyncInput,
} from './inventory-sync.contract';
import { PRIORITY } from '../../domain/shared/priorities';
import { bookingAwaited, planItem, pruneSales, readingAfterSale, soldOutButShown, type PlanView } from '../../domain/inventory/plan';
import { BcSkus, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';

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
const SALE_HASHES_KEPT = 2_000;
/** KeywordList values are limited in size (2 KB by default): a write is recorded in parts of this many SKUs. */
const SKUS_PER_RECORD = 100;
/** A flush looks up the tracking of SKUs that came in during its lookups at most this many more times. */
const LOOKUP_ROUNDS = 3;
/** An item sold out in the ERP but shown in BigCommerce is written this soon (or after the quiet window, if shorter). */
const SOLD_OUT_GATHER_MS = 500;

type PlannedItem = AbsoluteItem & { key: string; recheck?: boolean };

export async function inventorySync(input: InventorySyncInput): Promise<void> {
  const c: InventoryCarried = input.carried ?? {
    items: {},
    tracking: {},
    sales: [],
    dirty: [],
    forced: [],
    unsettled: {},
    sweepWatermarkMs: null,
    stats: emptyInventoryStats(),
    lag: newLagHistogram(),
    writes: 0,
    lastProblem: null,
  };
  // Runs started before these existed replay without them: late planning (a flush takes in what
  // came while it waited for the quota), waiting for bookings, re-checking ambiguous writes.
  const late = patched('inventory-late-plan');
  // Runs started before it replay without it: an item sold out in the ERP and shown in BigCommerce does not wait for quiet.
  const soldOutFirst = patched('inventory-sold-out-first');
  // Runs started before it replay without it: the lookup's reading of every location is kept until the ERP's level there comes.
  const readEverywhere = patched('inventory-read-every-location');
  // Runs started before it replay without it: a write's (and a read's) time is when BigCommerce answered the activity,
  // not when the workflow picked the answer up, and the store's sales reported while a write was out are judged against it.
  const salesDuringWrite = patched('inventory-sales-during-write');
  // Runs started before it replay without it: one adjustment carries every location's items (up to 2000), not one per location.
  const allLocations = patched('inventory-one-request-all-locations');
  // Runs started before it replay without it: a run continued as new keeps waiting for the quiet window
  // (and the longest wait) its changes were waiting for, instead of flushing them at once.
  const carryTiming = patched('inventory-carry-flush-timing');
  const timing = carryTiming ? c.flushTiming : undefined;
  delete c.flushTiming;
  /** While a batch is out: its items' keys -> the store's sales of them reported meanwhile (units, order time). */
  const writing = new Map<string, Array<{ units: number; createdS: number }>>();
  /** When the first item sold out in the ERP but shown in BigCommerce came in since the last flush began. */
  let soldOutSinceMs: number | undefined = timing?.soldOutSinceMs;
  const bookingWaitMs = input.bookingWaitMs ?? 15_000;
  const dirty = new Set(c.dirty);
  const forced = new Set(c.forced);
  const awaitingBooking = new Set(c.awaitingBooking ?? []);
  let firstDirtyAtMs = dirty.size ? (timing?.firstDirtyAtMs ?? Date.now()) : 0;
  /** While a flush runs: when the oldest change it carries came in (for the `summary` query only). */
  let flushingSinceMs: number | undefined;
  let lastInputAtMs = timing?.lastInputAtMs ?? 0;
  let inputs = 0;
  const sweepRequests: string[] = [];
  // Declared before the handlers: a signal buffered at start is handled as soon as its handler is set.
  let bySkuCache: { size: number; map: Map<string, string> } | undefined;

  const markDirty = (key: string) => {
    if (dirty.size === 0) firstDirtyAtMs = Date.now();
    dirty.add(key);
  };

  function waitingSince(): string | null {
    const since = Math.min(flushingSinceMs ?? Infinity, dirty.size ? firstDirtyAtMs : Infinity);
    return since === Infinity ? null : new Date(since).toISOString();
  }

  /** What the pure planning functions read (the live state: no copy). */
  const view = (): PlanView & { settledAwaitingWebhook?: PendingSale[] } => ({
    items: c.items,
    tracking: c.tracking,
    sales: c.sales,
    settledAwaitingWebhook: c.settledAwaitingWebhook,
    locations: input.locations,
    orderLocation: input.orderLocation,
    safetyBuffer: input.safetyBuffer,
  });

  /** Applies ERP levels: the latest per item wins by the ERP's change time. */
  function applyLevels(levels: ErpLevel[]): void {
    c.stats.changesReceived += levels.length;
    const winners = coalesce((k) => (c.items[k] ? { changedAtMs: c.items[k]!.t } : undefined), levels);
    c.stats.staleIgnored += levels.length - winners.length;
    for (const l of levels) {
      // Every change waits to be reflected (or superseded): its lag is measured when its item settles.
      const key = levelKey(l.sku, l.location);
      if (c.items[key] && !supersedes({ changedAtMs: c.items[key]!.t }, l)) continue;
      c.unsettled[key] ??= [];
      c.unsettled[key].push(l.changedAtMs);
    }
    const physical = new Set<string>();
    for (const l of winners) {
      const key = levelKey(l.sku, l.location);
      const prev = c.items[key];
      // On hand moved: goods came or went (a receipt, a count). Only committed moved: an order was booked.
      if (!prev || prev.oh !== l.quantityOnHand) physical.add(key);
      // The first level at a location the lookup already read: born knowing what BigCommerce shows there.
      const reading = !prev && readEverywhere ? c.seen?.[key] : undefined;
      if (reading) delete c.seen![key];
      c.items[key] = { ...prev, ...reading, a: l.quantityAvailable, oh: l.quantityOnHand, t: l.changedAtMs };
      c.stats.changesApplied++;
    }
    touched(
      winners.map((l) => levelKey(l.sku, l.location)),
      { physical },
    );
  }

  setHandler(inventoryChangesSignal, ({ levels }) => {
    const now = Date.now();
    c.arrival ??= newLagHistogram();
    for (const l of levels) recordLag(c.arrival, Math.max(0, now - l.changedAtMs));
    applyLevels(levels);
    inputs++;
  });

  setHandler(inventorySaleSignal, (sale) => {
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
        reportedAtMs: Date.now(),
        ...(awaitingWebhook.length ? { awaitingWebhook } : {}),
      });
      c.stats.salesReported++;
    }
    // BigCommerce took (or gave back) these units itself. If it surely did so after our last write
    // landed, what it shows moved by the same amount as what it should show: nothing to write.
    // Otherwise (our write may have overwritten the sale) the item is looked at again.
    const keys: string[] = [];
    for (const sku of new Set([...Object.keys(before), ...Object.keys(sale.units)])) {
      const key = levelKey(sku, input.orderLocation);
      const item = c.items[key];
      const delta = (sale.units[sku] ?? 0) - (before[sku] ?? 0);
      if (delta === 0) continue;
      // Only a new sale has a known time (the order's); units given back (a cancellation) are looked at again.
      if (delta > 0 && item?.e !== undefined && saleAfterWrite(sale.orderCreatedS, item.w, input.applyMarginMs)) item.e = Math.max(0, item.e - delta);
      if (!item) storeSold(key, delta, sale.orderCreatedS);
      if (delta > 0) writing.get(key)?.push({ units: delta, createdS: sale.orderCreatedS });
      keys.push(key);
    }
    touched(keys);
    inputs++;
  });

  setHandler(inventoryBookedSignal, ({ orderId, bookedAtMs }) => {
    const sale = c.sales.find((s) => s.orderId === orderId);
    // The first booking counts: later upserts of the same order (an address change) do not move stock.
    if (sale && sale.bookedAtMs === undefined) {
      sale.bookedAtMs = bookedAtMs;
      c.stats.salesBooked++;
      for (const sku of Object.keys(sale.units)) {
        const key = levelKey(sku, input.orderLocation);
        if (awaitingBooking.delete(key)) touched([key]);
      }
      // A flush waiting for bookings looks again.
      if (late) inputs++;
    }
  });

  setHandler(inventoryBcEventsSignal, ({ events }) => {
    const bySku = skuIndex();
    for (const ev of events) {
      const sku = (ev.variantId !== undefined ? bySku.get(`v${ev.variantId}`) : undefined) ?? bySku.get(`p${ev.productId}`);
      if (ev.byOrder) {
        provisionalSale(ev, sku);
        continue;
      }
      if (!sku) continue;
      const keys = Object.keys(input.locations)
        .map((loc) => levelKey(sku, loc))
        .filter((k) => c.items[k]);
      if (keys.some((k) => isEcho(ev, c.items[k]!.r))) {
        c.stats.echoesIgnored++;
        continue;
      }
      // Not ours: what the lookup read at locations with no ERP level yet no longer holds.
      for (const loc of Object.keys(input.locations)) if (c.seen) delete c.seen[levelKey(sku, loc)];
      // Changed by someone else (the BigCommerce admin, another app): the ERP is the truth, say it again.
      c.stats.reasserts++;
      for (const k of keys) forced.add(k);
      touched(keys, { force: true });
      inputs++;
    }
  });

  setHandler(inventorySweepSignal, ({ reason }) => {
    sweepRequests.push(reason);
    inputs++;
  });

  /** BigCommerce sold (or gave back) units of an item whose ERP level has not come: its kept reading follows, or is dropped when unsure. */
  function storeSold(key: string, units: number, orderCreatedS: number): void {
    const reading = c.seen?.[key];
    if (!reading) return;
    const next = readingAfterSale(reading, units, orderCreatedS, input.applyMarginMs);
    if (next) c.seen![key] = next;
    else delete c.seen![key];
  }

  /** An order took units (BigCommerce's webhook, before the order's workflow can say so). */
  function provisionalSale(ev: BcInventoryEvent, sku: string | undefined): void {
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
    c.provisional.push({ ref, units, createdS: ev.createdS, hash: ev.hash, reportedAtMs: Date.now() });
    if (!sku) return;
    const key = levelKey(sku, input.orderLocation);
    const item = c.items[key];
    if (item?.e !== undefined && saleAfterWrite(ev.createdS, item.w, input.applyMarginMs)) item.e = Math.max(0, item.e - units);
    if (!item) storeSold(key, units, ev.createdS);
    writing.get(key)?.push({ units, createdS: ev.createdS });
    touched([key]);
    inputs++;
  }

  /** Provisional units per SKU (mapped through the tracking cache; unknown items are not synced). */
  function provisionalUnits(): Map<string, number> {
    const bySku = skuIndex();
    const out = new Map<string, number>();
    for (const p of c.provisional ?? []) {
      const sku = bySku.get(p.ref);
      if (sku) out.set(sku, (out.get(sku) ?? 0) + p.units);
    }
    return out;
  }

  function skuIndex(): Map<string, string> {
    const size = Object.keys(c.tracking).length;
    if (bySkuCache?.size === size) return bySkuCache.map;
    const map = new Map<string, string>();
    for (const [sku, ref] of Object.entries(c.tracking)) if (ref) map.set('productId' in ref ? `p${ref.productId}` : `v${ref.variantId}`, sku);
    bySkuCache = { size, map };
    return map;
  }

  setHandler(inventorySummaryQuery, () => ({
    stats: c.stats,
    items: Object.keys(c.items).length,
    dirty: dirty.size,
    // What still counts (a sale the levels already count waits for the next flush to be dropped).
    pendingSales: pruneSales(view(), Date.now(), input.pendingTtlMs).sales.length + (c.provisional?.length ?? 0),
    sweepWatermark: c.sweepWatermarkMs === null ? null : new Date(c.sweepWatermarkMs).toISOString(),
    lagP50Ms: lagPercentile(c.lag, 50),
    lagP95Ms: lagPercentile(c.lag, 95),
    arrivalP95Ms: lagPercentile(c.arrival ?? newLagHistogram(), 95),
    lastProblem: c.lastProblem,
    recentWrites: (c.recentWrites ?? []).map((w) => ({ at: new Date(w.atMs).toISOString(), bcLocationId: w.bcLocationId, items: w.items })),
    waitingSince: waitingSince(),
  }));
  setHandler(inventoryHeldQuery, () => Object.fromEntries(Object.entries(c.items).map(([k, v]) => [k, v.t])));
  setHandler(inventorySkuQuery, (sku) =>
    Object.keys(input.locations).flatMap((loc) => {
      const item = c.items[levelKey(sku, loc)];
      if (!item) return [];
      const pending = loc === input.orderLocation ? pendingUnits(sku, { changedAtMs: item.t }, c.sales) + (provisionalUnits().get(sku) ?? 0) : 0;
      return [
        {
          location: loc,
          available: item.a,
          changedAt: new Date(item.t).toISOString(),
          expected: item.e ?? null,
          pending,
          want: sellableLevel(item.a, pending, input.safetyBuffer),
        },
      ];
    }),
  );

  const bcOptions = {
    taskQueue: bigCommerceTaskQueue(input.storeHash),
    startToCloseTimeout: '2m',
    // Below orders: when the store's quota is short, orders are dispatched first.
    priority: PRIORITY.batch,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
  } as const;
  const bc = proxyActivities<InventoryBigCommerceActivities>({ ...bcOptions, summary: `inventory of store ${input.storeHash}` });
  const erp = proxyActivities<InventoryErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '2m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
    summary: 'inventory sweep: ERP levels changed since the watermark',
  });

  if (!workflowInfo().typedSearchAttributes.get(BcStoreHash)) upsertSearchAttributes([{ key: BcStoreHash, value: input.storeHash }]);
  let shownStatus = '';
  function show(): void {
    const status = c.lastProblem ? 'NeedsAttention' : 'Synced';
    if (status !== shownStatus) {
      upsertSearchAttributes([{ key: BcSyncStatus, value: status }]);
      shownStatus = status;
    }
    const s = c.stats;
    setCurrentDetails(
      [
        `**Inventory ERP -> BigCommerce, store \`${input.storeHash}\`** · ${Object.keys(c.items).length} items · ${dirty.size} waiting · ${c.sales.length} sales not booked in the ERP`,
        `- Changes ${s.changesReceived} (applied ${s.changesApplied}, older than held ${s.staleIgnored}) · flushes ${s.flushes} · write calls ${s.writeCalls} · items written ${s.itemsWritten} · already right ${s.unchangedSkipped}`,
        `- Echoes of our writes ignored ${s.echoesIgnored} · changed in BigCommerce, re-asserted ${s.reasserts} · unwritable ${s.unwritable} · unmapped location ${s.unmappedLocation}`,
        `- Sweeps ${s.sweeps} (${s.sweepRows} rows) · watermark ${c.sweepWatermarkMs === null ? 'none yet' : new Date(c.sweepWatermarkMs).toISOString()} · lag p50 ${lagPercentile(c.lag, 50) / 1000}s p95 ${lagPercentile(c.lag, 95) / 1000}s`,
        `- Find a SKU's writes: \`BcSkus = "<sku>"\`; its levels: query \`sku\` with the SKU`,
        ...(c.lastProblem ? [`- **Last write failed**: ${c.lastProblem} (retried on the next flush)`] : []),
      ].join('\n'),
    );
  }

  function settle(key: string, atMs: number): void {
    for (const t of c.unsettled[key] ?? []) recordLag(c.lag, Math.max(0, atMs - t));
    delete c.unsettled[key];
  }

  async function sweep(reason: string): Promise<void> {
    const now = Date.now();
    let cursor = { sinceMs: (c.sweepWatermarkMs ?? now - input.sweep.initialLookbackMs) - input.sweep.overlapMs, offset: 0 };
    let newest = c.sweepWatermarkMs ?? 0;
    for (;;) {
      const page = await erp.sweepInventoryLevels(cursor);
      c.stats.sweepRows += page.levels.length;
      applyLevels(page.levels);
      for (const l of page.levels) newest = Math.max(newest, l.changedAtMs);
      if (!page.next) break;
      cursor = page.next;
    }
    c.stats.sweeps++;
    c.sweepWatermarkMs = newest || c.sweepWatermarkMs;
    void reason;
  }

  /**
   * What holds the flush back (the quiet window): goods moving in the ERP (on hand changed), a
   * change in BigCommerce to set right, and anything that makes a written item wrong. The stream an
   * order stream brings (its sale notes, the ERP's commits, the bookings) does not, or a busy store
   * would never be quiet: its items are written with the next flush all the same.
   */
  function touched(keys: string[], opts: { physical?: Set<string>; force?: boolean } = {}): void {
    const announced = provisionalUnits();
    const v = view();
    for (const key of keys) {
      markDirty(key);
      if (soldOutFirst && soldOutSinceMs === undefined && soldOutButShown(v, key, announced)) soldOutSinceMs = Date.now();
      if (opts.force || opts.physical?.has(key)) {
        lastInputAtMs = Date.now();
        continue;
      }
      const plan = planItem(v, key, announced, false);
      if (plan.kind === 'write' && c.items[key]?.e !== undefined) lastInputAtMs = Date.now();
    }
  }

  /**
   * What BigCommerce shows for an item we never wrote (read with its tracking): an item it already
   * shows right needs no write. Treated like a write of that level at `atMs`, so a sale after it
   * is taken off it, as after our own writes.
   */
  function observeShown(sku: string, onHandByBcLocation: Record<number, number>, atMs: number): void {
    for (const [loc, bcLocationId] of Object.entries(input.locations)) {
      const key = levelKey(sku, loc);
      const item = c.items[key];
      const shown = onHandByBcLocation[bcLocationId];
      if (shown === undefined) continue;
      // No ERP level there yet: kept for when it comes (read once per SKU, this is the only chance).
      if (!item && readEverywhere) {
        c.seen ??= {};
        c.seen[key] = { e: shown, w: atMs };
      }
      if (!item || item.e !== undefined) continue;
      item.e = shown;
      item.w = atMs;
    }
  }

  /** Plans each key once (counting what needs no write), returning the items to write. */
  function planKeys(keys: Iterable<string>, wasForced: ReadonlySet<string>, now: number): PlannedItem[] {
    const announced = provisionalUnits();
    const v = view();
    const planned: PlannedItem[] = [];
    for (const key of keys) {
      const plan = planItem(v, key, announced, wasForced.has(key));
      const [sku] = key.split('\u0001') as [string, string];
      if (plan.kind === 'missing' || plan.kind === 'unknown') continue;
      if (plan.kind === 'unmapped' || plan.kind === 'unwritable') {
        if (plan.kind === 'unmapped') c.stats.unmappedLocation++;
        else c.stats.unwritable++;
        delete c.unsettled[key];
        continue;
      }
      if (plan.kind === 'hold') {
        // BigCommerce shows a level right under one reading: wait for the booking time to tell which.
        awaitingBooking.add(key);
        c.stats.heldForBooking = (c.stats.heldForBooking ?? 0) + 1;
        continue;
      }
      if (plan.kind === 'same') {
        c.stats.unchangedSkipped++;
        settle(key, now);
        continue;
      }
      if (plan.kind === 'write') planned.push({ key, sku, bcLocationId: plan.bcLocationId, ref: plan.ref, quantity: plan.want, recheck: plan.recheck });
    }
    return planned;
  }

  /**
   * The flush's batches, made as each one's turn comes (the caller awaits each write before asking
   * for the next): a location's items are planned again with what is known now, and changes that
   * came in while earlier calls waited join their location's batch if that location has not been
   * written in this flush yet. So a burst that straddles the flush still costs one call per location.
   */
  function* lateBatches(planned: PlannedItem[], wasForced: Set<string>): Generator<PlannedItem[]> {
    if (allLocations) {
      yield* lateMixedBatches(planned, wasForced);
      return;
    }
    const groups = new Map<number, PlannedItem[]>();
    for (const p of planned) {
      const group = groups.get(p.bcLocationId);
      if (group) group.push(p);
      else groups.set(p.bcLocationId, [p]);
    }
    for (const loc of Object.values(input.locations)) if (!groups.has(loc)) groups.set(loc, []);
    for (const [bcLocationId, group] of [...groups].sort((a, b) => a[0] - b[0])) {
      const items = new Map<string, PlannedItem>();
      const announced = provisionalUnits();
      const v = view();
      for (const p of group) {
        const plan = planItem(v, p.key, announced, wasForced.has(p.key));
        if (plan.kind === 'write') items.set(p.key, { ...p, quantity: plan.want, recheck: plan.recheck });
        // No longer a write (BigCommerce's own sale made it right, a booking to wait for): the next flush says why.
        else markDirty(p.key);
      }
      const fresh = [...dirty].filter((k) => {
        const [sku, loc] = k.split('\u0001') as [string, string];
        return input.locations[loc] === bcLocationId && sku in c.tracking;
      });
      for (const k of fresh) {
        dirty.delete(k);
        if (forced.delete(k)) wasForced.add(k);
      }
      for (const p of planKeys(fresh, wasForced, Date.now())) items.set(p.key, p);
      const list = [...items.values()];
      for (let i = 0; i < list.length; i += ADJUSTMENT_MAX_ITEMS) yield list.slice(i, i + ADJUSTMENT_MAX_ITEMS);
    }
  }

  /**
   * As lateBatches, every location in the same request: BigCommerce takes 2000 items per absolute
   * adjustment at any locations ("e.g. 200 items x 10 locations"), so a flush that changes levels
   * at two locations costs one call, not two. Before each request, what waits is planned again and
   * the changes that came in meanwhile (any location, tracking known) join it; items are grouped by
   * location inside it. A refused request (422) holds back every location it carried.
   */
  function* lateMixedBatches(planned: PlannedItem[], wasForced: Set<string>): Generator<PlannedItem[]> {
    let waiting = planned;
    for (;;) {
      const items = new Map<string, PlannedItem>();
      const announced = provisionalUnits();
      const v = view();
      for (const p of waiting) {
        const plan = planItem(v, p.key, announced, wasForced.has(p.key));
        if (plan.kind === 'write') items.set(p.key, { ...p, quantity: plan.want, recheck: plan.recheck });
        else markDirty(p.key);
      }
      const fresh = [...dirty].filter((k) => {
        const [sku, loc] = k.split('\u0001') as [string, string];
        return input.locations[loc] !== undefined && sku in c.tracking;
      });
      for (const k of fresh) {
        dirty.delete(k);
        if (forced.delete(k)) wasForced.add(k);
      }
      for (const p of planKeys(fresh, wasForced, Date.now())) items.set(p.key, p);
      const list = batchesByLocation([...items.values()], Number.MAX_SAFE_INTEGER).flat();
      if (!list.length) return;
      yield list.slice(0, ADJUSTMENT_MAX_ITEMS);
      waiting = list.slice(ADJUSTMENT_MAX_ITEMS);
      if (!waiting.length) return;
    }
  }

  /** Drops sales the ERP's levels count now (or past the TTL), and provisional ones past the TTL. */
  function dropSettledSales(now: number): void {
    const kept = pruneSales(view(), now, input.pendingTtlMs);
    c.sales = kept.sales;
    c.settledAwaitingWebhook = kept.settledAwaitingWebhook;
    c.provisional = (c.provisional ?? []).filter((p) => now - p.reportedAtMs <= input.pendingTtlMs);
    // Readings of locations the ERP never reported: bounded like the sales.
    for (const [key, reading] of Object.entries(c.seen ?? {})) if (now - reading.w > input.pendingTtlMs) delete c.seen![key];
  }

  /** `soldOut`: written because an item sold out in the ERP is still for sale: no extra lookup rounds for latecomers. */
  async function flush(soldOut = false): Promise<void> {
    const now = Date.now();
    c.stats.flushes++;
    dropSettledSales(now);
    const keys = new Set([...dirty, ...awaitingBooking]);
    dirty.clear();
    awaitingBooking.clear();
    const wasForced = new Set<string>();
    const takeForced = (ks: Iterable<string>) => {
      for (const k of ks) if (forced.delete(k)) wasForced.add(k);
    };
    takeForced(keys);
    // Plan late: a flush waits for the quota behind orders (its lookups, its writes), and what came
    // in meanwhile rides along in this flush's calls instead of costing calls of its own.

    for (let round = 0; ; round++) {
      const unknown = [...new Set([...keys].map((k) => k.split('\u0001')[0]!))].filter((sku) => !(sku in c.tracking));
      if (unknown.length) {
        try {
          const found = await bc.lookupInventoryTracking(unknown);
          c.stats.lookupCalls += found.calls;
          const seenAt = salesDuringWrite && found.readAtMs !== undefined ? found.readAtMs : Date.now();
          for (const t of found.items) {
            c.tracking[t.sku] = t.ref;
            if (late && t.ref && t.onHand) observeShown(t.sku, t.onHand, seenAt);
          }
        } catch (err) {
          // BigCommerce unreachable for the whole retry policy: everything waits for the next flush.
          c.lastProblem = `tracking lookup failed: ${describe(err)}`;
          for (const k of keys) markDirty(k);
          for (const k of wasForced) forced.add(k);
          return;
        }
      }
      if (!late || dirty.size === 0 || round >= (soldOut ? 0 : LOOKUP_ROUNDS)) break;
      const more = [...dirty];
      dirty.clear();
      for (const k of more) keys.add(k);
      takeForced(more);
    }

    const planned = planKeys(keys, wasForced, now);
    // One request in flight per store: each batch waits for the previous one's answer.
    const written: Array<PlannedItem[]> = [];
    for (const batch of late ? lateBatches(planned, wasForced) : batchesByLocation(planned)) {
      // Remembered before the call: the echo of this write can reach us before its answer does.
      for (const p of batch) c.items[p.key]!.r = rememberWritten(c.items[p.key]!.r, p.quantity);
      if (salesDuringWrite) for (const p of batch) writing.set(p.key, []);
      let answer: { answeredAtMs?: number };
      try {
        const items = batch.map(({ key: _key, recheck: _recheck, ...item }) => item);
        answer = await bc.writeInventoryLevels(items, `bcsync: ERP levels (${batch.length} items)`);
      } catch (err) {
        for (const p of batch) writing.delete(p.key);
        c.stats.writeFailures++;
        c.lastProblem = describe(err);
        // A refused batch (422: tracking changed, item deleted) forgets the tracking of its SKUs,
        // so the next flush looks them up again; every item stays to be written.
        for (const p of batch) {
          delete c.tracking[p.sku];
          markDirty(p.key);
          if (wasForced.has(p.key)) forced.add(p.key);
        }
        continue;
      }
      const doneAt = Date.now();
      // BigCommerce took the write by its answer: under load the workflow may pick the answer up seconds later.
      const takenAt = salesDuringWrite && answer.answeredAtMs !== undefined ? Math.min(answer.answeredAtMs, doneAt) : doneAt;
      c.stats.writeCalls++;
      c.stats.itemsWritten += batch.length;
      const perLocation = batchesByLocation(batch, Number.MAX_SAFE_INTEGER).map((g) => ({ atMs: doneAt, bcLocationId: g[0]!.bcLocationId, items: g.length }));
      c.recentWrites = [...(c.recentWrites ?? []), ...perLocation].slice(-20);
      c.lastProblem = null;
      for (const p of batch) {
        const item = c.items[p.key]!;
        item.e = p.quantity;
        item.w = takenAt;
        // The store's sales reported while the write was out: one surely after BigCommerce applied it
        // is already off what the store shows; any other may have been overwritten, and is written again.
        for (const sold of writing.get(p.key) ?? []) if (saleAfterWrite(sold.createdS, takenAt, input.applyMarginMs)) item.e = Math.max(0, item.e - sold.units);
        writing.delete(p.key);
        if (wasForced.has(p.key)) c.stats.reassertItems++;
        if (late && p.recheck) awaitingBooking.add(p.key);
        settle(p.key, doneAt);
      }
      written.push(batch);
    }
    // Recorded once every batch is out: the next batch need not wait for the records.
    for (const batch of written) await recordWrite(batch);
    // The bookings that came in during the writes may have settled sales: the summary shows what still counts.
    if (late) dropSettledSales(Date.now());
  }

  /** Small completed runs, one per <= 100 SKUs written at a location, findable by `BcSkus` in the Web UI. */
  async function recordWrite(batch: PlannedItem[]): Promise<void> {
    const n = ++c.writes;
    // Per location (a request may carry several), <= 100 SKUs a part; a one-location batch cuts as it always did.
    const parts = batchesByLocation(batch, SKUS_PER_RECORD);
    await Promise.all(
      parts.map((part, i) =>
        startChild(inventoryWriteRecord, {
          workflowId: `${inventoryWorkflowId(input.storeHash)}:write-${workflowInfo().runId.slice(0, 8)}-${n}-${i + 1}`,
          args: [{ storeHash: input.storeHash, bcLocationId: part[0]!.bcLocationId, levels: Object.fromEntries(part.map((p) => [p.sku, p.quantity])) }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: BcStoreHash, value: input.storeHash },
            { key: BcSkus, value: [...new Set(part.map((p) => p.sku))] },
          ],
          staticSummary: `Inventory written to BigCommerce location ${part[0]!.bcLocationId}: ${part.length} SKUs (write ${n}, part ${i + 1}/${parts.length})`,
        }),
      ),
    );
  }

  show();
  for (;;) {
    await condition(() => dirty.size > 0 || sweepRequests.length > 0);
    if (sweepRequests.length) {
      const reasons = sweepRequests.splice(0);
      try {
        await sweep(reasons.join(', '));
      } catch (err) {
        c.lastProblem = `sweep failed: ${describe(err)}`;
      }
    }
    if (dirty.size > 0) {
      // Coalesce: wait for a quiet moment, but never longer than maxWaitMs after the first change.
      for (;;) {
        const now = Date.now();
        const cap = firstDirtyAtMs + input.maxWaitMs;
        let deadline = Math.min(lastInputAtMs + input.quietMs, cap);
        // Quiet, but a changed item may or may not count an order whose "booked" note is on its way:
        // written now, it would need a second write once the note comes. Wait a little for it.
        if (late && now >= deadline && bookingAwaited(view(), dirty)) deadline = Math.min(lastInputAtMs + input.quietMs + bookingWaitMs, cap);
        // Sold out in the ERP, still for sale in the store: no waiting for the stream to pause (nor for a booking: 0 is the safe reading).
        if (soldOutSinceMs !== undefined) deadline = Math.min(deadline, soldOutSinceMs + Math.min(SOLD_OUT_GATHER_MS, input.quietMs));
        if (now >= deadline) break;
        const seen = inputs;
        await condition(() => inputs !== seen || sweepRequests.length > 0, deadline - now);
        if (sweepRequests.length) break;
      }
      flushingSinceMs = firstDirtyAtMs;
      const soldOut = soldOutSinceMs !== undefined;
      soldOutSinceMs = undefined;
      await flush(soldOut);
      flushingSinceMs = undefined;
      if (c.lastProblem && dirty.size > 0) await sleep('10s');
    }
    show();
    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? HISTORY_LIMIT)) && sweepRequests.length === 0) {
      const flushTiming = carryTiming ? { flushTiming: { firstDirtyAtMs, lastInputAtMs, ...(soldOutSinceMs !== undefined ? { soldOutSinceMs } : {}) } } : {};
      return await continueAsNew<typeof inventorySync>({
        ...input,
        carried: { ...c, dirty: [...dirty], forced: [...forced], awaitingBooking: [...awaitingBooking], ...flushTiming },
      });
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
