import { chunk, PRICE_RECORD_READ_BATCH } from './batches';
import { skuKey, type DeferredPrice } from './diff';
import type { BcPriceRecords, BcProductState, CatalogCursor, CatalogItem, ParkedItem } from './item';

/**
 * The state of a store's catalogSync and the decisions it makes, pure: which run comes next and
 * from where, what a page leaves parked, what a retry or skip does to the parked list, where the
 * watermark moves, when the history is renewed, and what ops see. The workflow holds the state (its
 * contract re-exports these types), calls the activities and timers, and carries these out. Nothing
 * here reads a clock: the times come in as arguments.
 */

/** Parked items kept in full in the state (the history stays small); more are counted in `counts.parked`. */
export const MAX_PARKED = 500;
/** History events after which a run continues as new between pages, unless the input says otherwise (Temporal warns at 10,240). */
export const RENEW_AFTER_EVENTS = 8_000;
/** Parked SKUs read again from the ERP per call when ops retry. */
export const RETRY_READ_BATCH = 500;

export interface CatalogRunRequest {
  reason: string;
  /** Read changes from here (ms) instead of the watermark, when earlier; 0 = a full sync. */
  sinceMs?: number;
}

/** Ops decide on parked items: sync them again now (read afresh from the ERP), or accept them as they are. */
export interface CatalogDecision {
  action: 'retry' | 'skip';
  /** Which parked SKUs; all of them when left out. */
  skus?: string[];
  note?: string;
  /** Who decided: the ops token's name (the ops API), absent from the Web UI and the CLI. */
  by?: string;
}

export interface CatalogCounts {
  pages: number;
  items: number;
  unchanged: number;
  productsCreated: number;
  productsUpdated: number;
  variantsWritten: number;
  priceRecords: number;
  parked: number;
  bcCalls: number;
}

/** The run in progress: its cursor is checkpointed after each page, so a restart resumes at that page. */
export interface CatalogRun {
  reason: string;
  startedAt: string;
  cursor: CatalogCursor;
  counts: CatalogCounts;
  /** When the last page was checkpointed (absent before the first, and in state carried from before 2026-11-28): the stall check's clock. */
  progressAt?: string;
}

export interface CatalogLastRun {
  reason: string;
  startedAt: string;
  endedAt: string;
  counts: CatalogCounts;
}

export interface CatalogSyncState {
  /** Every change up to here has been read and written (or parked). Null before the first run. */
  watermark: CatalogCursor | null;
  runs: number;
  /** The run in progress: its cursor is checkpointed after each page, so a restart resumes at that page. */
  running: CatalogRun | null;
  lastRun: CatalogLastRun | null;
  /** Items BigCommerce refused or that cannot map, with why; retried by ops (`decide`) or fixed by a later change. */
  parked: ParkedItem[];
  /** Requests that arrived while a run was going (carried over continue-as-new). */
  queued: CatalogRunRequest[];
  decisions: CatalogDecision[];
}

/** A store's catalog before its first run. */
export const emptyCatalogState = (): CatalogSyncState => ({ watermark: null, runs: 0, running: null, lastRun: null, parked: [], queued: [], decisions: [] });

export const zeroCounts = (): CatalogCounts => ({
  pages: 0,
  items: 0,
  unchanged: 0,
  productsCreated: 0,
  productsUpdated: 0,
  variantsWritten: 0,
  priceRecords: 0,
  parked: 0,
  bcCalls: 0,
});

// ---------------------------------------------------------------------------------------------
// Runs: which comes next, from where, and where the watermark ends.

/**
 * The run the queued requests start (all of them at once: their reasons joined). It reads from the
 * watermark less the overlap; from a request's `sinceMs` when earlier, or when there is no watermark
 * yet (without either, the first run is a full sync: every item is read and compared).
 */
export function nextRun(queued: readonly CatalogRunRequest[], watermark: CatalogCursor | null, overlapMs: number, startedAt: string): CatalogRun {
  const since = Math.min(...queued.map((r) => r.sinceMs ?? Number.POSITIVE_INFINITY));
  let cursor: CatalogCursor = !watermark ? { modifiedMs: 0, erpId: 0 } : overlapMs > 0 ? { modifiedMs: Math.max(0, watermark.modifiedMs - overlapMs), erpId: 0 } : watermark;
  if (Number.isFinite(since) && (!watermark || since < cursor.modifiedMs)) cursor = { modifiedMs: since, erpId: 0 };
  return { reason: queued.map((r) => r.reason).join(', '), startedAt, cursor, counts: zeroCounts() };
}

/** The watermark after a run that ended at `cursor`: it never moves back (a run started from an earlier `sinceMs` re-reads old changes). */
export function advanceWatermark(watermark: CatalogCursor | null, cursor: CatalogCursor): CatalogCursor {
  if (!watermark || cursor.modifiedMs > watermark.modifiedMs || (cursor.modifiedMs === watermark.modifiedMs && cursor.erpId > watermark.erpId)) return cursor;
  return watermark;
}

/** The state's run fields once the running run reached the end of the change feed at `endedAt`. */
export function endRun(
  state: Pick<CatalogSyncState, 'watermark' | 'runs'> & { running: CatalogRun },
  endedAt: string,
): Pick<CatalogSyncState, 'watermark' | 'runs' | 'lastRun' | 'running'> {
  const done = state.running;
  return {
    watermark: advanceWatermark(state.watermark, done.cursor),
    runs: state.runs + 1,
    lastRun: { reason: done.reason, startedAt: done.startedAt, endedAt, counts: done.counts },
    running: null,
  };
}

/** The history is renewed when Temporal suggests it or after `renewAfterEvents` events. */
export const renewDue = (info: { continueAsNewSuggested: boolean; historyLength: number }, renewAfterEvents?: number): boolean =>
  info.continueAsNewSuggested || info.historyLength > (renewAfterEvents ?? RENEW_AFTER_EVENTS);

/** Between runs the history is renewed only when nothing waits: no run asked for, no decision to take. */
export const idle = (state: Pick<CatalogSyncState, 'queued' | 'decisions'>): boolean => state.queued.length === 0 && state.decisions.length === 0;

// ---------------------------------------------------------------------------------------------
// A page: the price lists and records it needs, and what it leaves parked.

/** The price levels of these items when BigCommerce's price lists are not all known yet (all of them are ensured at once); null when they are. */
export function priceLevelsToEnsure(items: readonly CatalogItem[], priceLists: Readonly<Record<string, number>>): string[] | null {
  const levels = [...new Set(items.flatMap((i) => Object.keys(i.levelPrices)))];
  return levels.some((l) => priceLists[l] === undefined) ? levels : null;
}

/** The price-list records to read: for each price list the items have prices in, the variants BigCommerce has for them, a read's worth at a time. */
export function priceRecordReads(
  items: readonly CatalogItem[],
  products: readonly BcProductState[],
  priceLists: Readonly<Record<string, number>>,
): Array<{ listId: number; variantIds: number[] }> {
  const bySku = new Map<string, number>();
  for (const p of products) {
    if (p.baseVariantId) bySku.set(skuKey(p.sku), p.baseVariantId);
    for (const v of p.variants) bySku.set(skuKey(v.sku), v.id);
  }
  const perList = new Map<number, number[]>();
  for (const item of items) {
    const variantId = bySku.get(skuKey(item.sku));
    if (variantId === undefined) continue;
    for (const level of Object.keys(item.levelPrices)) {
      const listId = priceLists[level];
      if (listId !== undefined) perList.set(listId, [...(perList.get(listId) ?? []), variantId]);
    }
  }
  return [...perList].flatMap(([listId, ids]) => chunk([...new Set(ids)], PRICE_RECORD_READ_BATCH).map((variantIds) => ({ listId, variantIds })));
}

/** The records read, in the order read, as one map per price list. */
export function mergePriceRecords(reads: ReadonlyArray<{ listId: number; found: Record<string, number> }>): BcPriceRecords {
  const records: BcPriceRecords = {};
  for (const r of reads) records[String(r.listId)] = { ...records[String(r.listId)], ...r.found };
  return records;
}

/** A batch whose activity failed for good (e.g. 400 for the whole batch): its items park with the failure's type (ActivityFailed without one) and message. */
export function failedBatch(skus: readonly string[], failure: { type?: string | null; message: string }): ParkedItem[] {
  return skus.map((sku) => ({ sku, type: failure.type ?? 'ActivityFailed', reason: failure.message }));
}

/** Prices whose variant was not created: parked, unless their SKU was refused already (the refusal says why). */
export function unwrittenPrices(missing: readonly DeferredPrice[], refused: readonly ParkedItem[]): ParkedItem[] {
  const refusedSkus = new Set(refused.map((p) => skuKey(p.sku)));
  return missing
    .filter((m) => !refusedSkus.has(skuKey(m.sku)))
    .map((m) => ({ sku: m.sku, type: 'BcVariantMissing', reason: 'its variant was not created, so its price-list record could not be written' }));
}

/** One entry per SKU (the first one's place), the reasons of its refusals joined. */
export function dedupeParked(items: readonly ParkedItem[]): ParkedItem[] {
  const out = new Map<string, ParkedItem>();
  for (const p of items) out.set(skuKey(p.sku), out.has(skuKey(p.sku)) ? { ...p, reason: `${out.get(skuKey(p.sku))!.reason}; ${p.reason}` } : p);
  return [...out.values()];
}

/**
 * The parked list after a page: a SKU synced now is no longer parked; one refused now replaces its
 * older entry (stamped `at`). Only the newest `max` are kept.
 */
export function parkAfterPage(parked: readonly ParkedItem[], synced: readonly CatalogItem[], refused: readonly ParkedItem[], at: string, max = MAX_PARKED): ParkedItem[] {
  const seen = new Set(synced.map((i) => skuKey(i.sku)));
  return [...parked.filter((p) => !seen.has(skuKey(p.sku))), ...dedupeParked(refused).map((p) => ({ ...p, at }))].slice(-max);
}

// ---------------------------------------------------------------------------------------------
// Ops decisions on parked items.

/** Refuses what cannot be decided: an action other than retry or skip, or a decision with nothing parked. */
export function validateCatalogDecision(d: { action: string }, parkedCount: number): void {
  if (d.action !== 'retry' && d.action !== 'skip') throw new Error(`a catalog decision is retry or skip, not ${String(d.action)}`);
  if (parkedCount === 0) throw new Error('nothing to decide: no catalog item is parked');
}

/** The parked items a decision is about: those it names (any case), all of them when it names none. */
export function chosenParked(parked: readonly ParkedItem[], skus?: readonly string[]): ParkedItem[] {
  const wanted = skus ? new Set(skus.map(skuKey)) : undefined;
  return parked.filter((p) => !wanted || wanted.has(skuKey(p.sku)));
}

/** The parked list less these items (skip accepts them as they are). */
export function withoutParked(parked: readonly ParkedItem[], drop: readonly ParkedItem[]): ParkedItem[] {
  const dropped = new Set(drop.map((p) => skuKey(p.sku)));
  return parked.filter((p) => !dropped.has(skuKey(p.sku)));
}

/** The SKUs a retry reads again from the ERP, a call's worth at a time. */
export const retryReads = (chosen: readonly ParkedItem[]): string[][] =>
  chunk(
    chosen.map((p) => p.sku),
    RETRY_READ_BATCH,
  );

/** After a retry's read of `asked`: an item no longer in the ERP (not `found`) has nothing to sync and leaves the list. */
export function withoutVanished(parked: readonly ParkedItem[], asked: readonly string[], found: readonly CatalogItem[]): ParkedItem[] {
  const inErp = new Set(found.map((i) => skuKey(i.sku)));
  return parked.filter((p) => !asked.some((s) => skuKey(s) === skuKey(p.sku)) || inErp.has(skuKey(p.sku)));
}

// ---------------------------------------------------------------------------------------------
// What ops see.

/** What ops filter on (published as search attributes when it changes): NeedsAttention with the first parked item's type, Synced after a run, nothing before. */
export function catalogSearchAttributes(state: Pick<CatalogSyncState, 'parked' | 'runs'>): { status: string; error: string } {
  return { status: state.parked.length ? 'NeedsAttention' : state.runs > 0 ? 'Synced' : '', error: state.parked[0]?.type ?? '' };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The run's details (Markdown) for the Web UI: the watermark, the run going or the last one, its counts, and what is parked with how to decide. */
export function catalogDetails(state: CatalogSyncState, storeHash: string): string {
  const c = state.running?.counts ?? state.lastRun?.counts;
  const wm = state.watermark ? iso(state.watermark.modifiedMs) : 'none yet';
  return [
    `**Catalog of store \`${storeHash}\`** (ERP -> BigCommerce) · watermark ${wm} · runs ${state.runs}`,
    state.running
      ? `- **Running** (${state.running.reason}) since ${state.running.startedAt}, at ${iso(state.running.cursor.modifiedMs)} / item ${state.running.cursor.erpId}`
      : state.lastRun
        ? `- Last run (${state.lastRun.reason}) ${state.lastRun.startedAt} .. ${state.lastRun.endedAt}`
        : '- No run yet',
    ...(c
      ? [
          `- ${c.pages} page(s), ${c.items} changed item(s): ${c.unchanged} unchanged, ${c.productsCreated} products created, ${c.productsUpdated} updated, ${c.variantsWritten} variants, ${c.priceRecords} price records, ${c.parked} parked; ${c.bcCalls} BigCommerce calls`,
        ]
      : []),
    ...(state.parked.length
      ? [
          `- **Needs attention: ${state.parked.length} item(s) parked**`,
          ...state.parked.slice(0, 10).map((p) => `  - \`${p.sku}\` ${p.type}: ${p.reason}`),
          '- Decide: signal `decide` with `{"action":"retry"}` (read again from the ERP and write) or `{"action":"skip"}`, optionally `"skus":[...]`',
        ]
      : []),
  ].join('\n');
}
