import { describe, expect, it } from 'vitest';
import type { BcProductState, CatalogCursor, CatalogItem, ParkedItem } from '../../domain/catalog/item';
import {
  advanceWatermark,
  catalogDetails,
  catalogSearchAttributes,
  chosenParked,
  dedupeParked,
  emptyCatalogState,
  endRun,
  failedBatch,
  idle,
  MAX_PARKED,
  mergePriceRecords,
  nextRun,
  parkAfterPage,
  priceLevelsToEnsure,
  priceRecordReads,
  RENEW_AFTER_EVENTS,
  renewDue,
  RETRY_READ_BATCH,
  retryReads,
  unwrittenPrices,
  validateCatalogDecision,
  withoutParked,
  withoutVanished,
  zeroCounts,
  type CatalogCounts,
  type CatalogRun,
  type CatalogSyncState,
} from '../../domain/catalog/sync-state';

const item = (sku: string, erpId: number, levelPrices: Record<string, number> = {}): CatalogItem => ({
  erpId: String(erpId),
  sku,
  name: `Item ${sku}`,
  description: '',
  weight: 1,
  active: true,
  matrix: null,
  parentSku: null,
  options: [],
  price: 10,
  levelPrices,
  modifiedMs: 1_000 + erpId,
});
const product = (sku: string, baseVariantId: number | null, variants: Array<{ id: number; sku: string }> = []): BcProductState => ({
  id: 1,
  sku,
  name: sku,
  descriptionDigest: '',
  price: 10,
  weight: 1,
  isVisible: true,
  baseVariantId,
  variants: variants.map((v) => ({ ...v, price: null, options: [] })),
});
const parked = (sku: string, type = 'BcConflict', reason = `refused ${sku}`): ParkedItem => ({ sku, type, reason });
const counts = (over: Partial<CatalogCounts> = {}): CatalogCounts => ({ ...zeroCounts(), ...over });
const run = (over: Partial<CatalogRun> = {}): CatalogRun => ({
  reason: 'schedule',
  startedAt: '2026-01-05T10:00:00.000Z',
  cursor: { modifiedMs: 5_000, erpId: 7 },
  counts: counts(),
  ...over,
});
const state = (over: Partial<CatalogSyncState> = {}): CatalogSyncState => ({ ...emptyCatalogState(), ...over });

describe('catalog sync state: the start', () => {
  it('starts with no watermark, no run and nothing parked, queued or to decide (field names as persisted)', () => {
    expect(emptyCatalogState()).toEqual({ watermark: null, runs: 0, running: null, lastRun: null, parked: [], queued: [], decisions: [] });
    expect(Object.keys(emptyCatalogState())).toEqual(['watermark', 'runs', 'running', 'lastRun', 'parked', 'queued', 'decisions']);
  });

  it('counts start at zero, each field, each time a new object', () => {
    expect(zeroCounts()).toEqual({ pages: 0, items: 0, unchanged: 0, productsCreated: 0, productsUpdated: 0, variantsWritten: 0, priceRecords: 0, parked: 0, bcCalls: 0 });
    const a = zeroCounts();
    a.pages = 3;
    expect(zeroCounts().pages).toBe(0);
  });
});

describe('catalog sync state: the next run', () => {
  const at = '2026-01-05T11:00:00.000Z';
  const wm: CatalogCursor = { modifiedMs: 10_000, erpId: 42 };

  it('the first run without sinceMs is a full sync from the start of the feed', () => {
    expect(nextRun([{ reason: 'schedule' }], null, 5_000, at)).toEqual({ reason: 'schedule', startedAt: at, cursor: { modifiedMs: 0, erpId: 0 }, counts: zeroCounts() });
  });

  it('the first run with sinceMs starts there', () => {
    expect(nextRun([{ reason: 'api', sinceMs: 7_000 }], null, 0, at).cursor).toEqual({ modifiedMs: 7_000, erpId: 0 });
  });

  it('continues at the watermark itself without an overlap', () => {
    expect(nextRun([{ reason: 'schedule' }], wm, 0, at).cursor).toBe(wm);
  });

  it('starts the overlap before the watermark, from its first item, never below 0', () => {
    expect(nextRun([{ reason: 'schedule' }], wm, 2_500, at).cursor).toEqual({ modifiedMs: 7_500, erpId: 0 });
    expect(nextRun([{ reason: 'schedule' }], wm, 60_000, at).cursor).toEqual({ modifiedMs: 0, erpId: 0 });
  });

  it('a sinceMs earlier than where it would start wins; a later one does not', () => {
    expect(nextRun([{ reason: 'api', sinceMs: 3_000 }], wm, 2_500, at).cursor).toEqual({ modifiedMs: 3_000, erpId: 0 });
    expect(nextRun([{ reason: 'api', sinceMs: 9_000 }], wm, 2_500, at).cursor).toEqual({ modifiedMs: 7_500, erpId: 0 });
    expect(nextRun([{ reason: 'api', sinceMs: 0 }], wm, 0, at).cursor).toEqual({ modifiedMs: 0, erpId: 0 });
  });

  it('takes every queued request at once: reasons joined, the earliest sinceMs', () => {
    const next = nextRun([{ reason: 'schedule' }, { reason: 'item.changed', sinceMs: 6_000 }, { reason: 'api', sinceMs: 4_000 }], wm, 0, at);
    expect(next.reason).toBe('schedule, item.changed, api');
    expect(next.cursor).toEqual({ modifiedMs: 4_000, erpId: 0 });
  });
});

describe('catalog sync state: the end of a run', () => {
  it('moves the watermark forward by time, then by ERP id at the same time', () => {
    const wm = { modifiedMs: 10_000, erpId: 42 };
    expect(advanceWatermark(null, { modifiedMs: 1, erpId: 1 })).toEqual({ modifiedMs: 1, erpId: 1 });
    expect(advanceWatermark(wm, { modifiedMs: 10_001, erpId: 1 })).toEqual({ modifiedMs: 10_001, erpId: 1 });
    expect(advanceWatermark(wm, { modifiedMs: 10_000, erpId: 43 })).toEqual({ modifiedMs: 10_000, erpId: 43 });
  });

  it('never moves the watermark back (a run from an earlier sinceMs), nor for the same cursor', () => {
    const wm = { modifiedMs: 10_000, erpId: 42 };
    expect(advanceWatermark(wm, { modifiedMs: 9_999, erpId: 99 })).toBe(wm);
    expect(advanceWatermark(wm, { modifiedMs: 10_000, erpId: 41 })).toBe(wm);
    expect(advanceWatermark(wm, { modifiedMs: 10_000, erpId: 42 })).toBe(wm);
  });

  it('ends a run: the watermark at its cursor, one more run, the last run with its counts, nothing running', () => {
    const done = run({ counts: counts({ pages: 2, items: 5 }) });
    expect(endRun({ watermark: { modifiedMs: 1_000, erpId: 1 }, runs: 3, running: done }, '2026-01-05T10:05:00.000Z')).toEqual({
      watermark: { modifiedMs: 5_000, erpId: 7 },
      runs: 4,
      lastRun: { reason: 'schedule', startedAt: '2026-01-05T10:00:00.000Z', endedAt: '2026-01-05T10:05:00.000Z', counts: counts({ pages: 2, items: 5 }) },
      running: null,
    });
  });

  it('a run that ended behind the watermark keeps the watermark', () => {
    expect(endRun({ watermark: { modifiedMs: 9_000, erpId: 1 }, runs: 0, running: run() }, 'x').watermark).toEqual({ modifiedMs: 9_000, erpId: 1 });
  });

  it('renews the history when Temporal suggests it or past the events allowed (8,000 unless set)', () => {
    expect(RENEW_AFTER_EVENTS).toBe(8_000);
    expect(renewDue({ continueAsNewSuggested: true, historyLength: 10 })).toBe(true);
    expect(renewDue({ continueAsNewSuggested: false, historyLength: 8_000 })).toBe(false);
    expect(renewDue({ continueAsNewSuggested: false, historyLength: 8_001 })).toBe(true);
    expect(renewDue({ continueAsNewSuggested: false, historyLength: 2 }, 1)).toBe(true);
    expect(renewDue({ continueAsNewSuggested: false, historyLength: 1 }, 1)).toBe(false);
  });

  it('is idle between runs only with no run asked for and no decision waiting', () => {
    expect(idle({ queued: [], decisions: [] })).toBe(true);
    expect(idle({ queued: [{ reason: 'schedule' }], decisions: [] })).toBe(false);
    expect(idle({ queued: [], decisions: [{ action: 'skip' }] })).toBe(false);
  });
});

describe('catalog sync state: a page', () => {
  it('ensures every price level of the page when one of them has no known price list; none when all are known', () => {
    const items = [item('A', 1, { Wholesale: 8 }), item('B', 2, { Wholesale: 7, Retail: 9 }), item('C', 3)];
    expect(priceLevelsToEnsure(items, {})).toEqual(['Wholesale', 'Retail']);
    expect(priceLevelsToEnsure(items, { Wholesale: 1 })).toEqual(['Wholesale', 'Retail']);
    expect(priceLevelsToEnsure(items, { Wholesale: 1, Retail: 2 })).toBeNull();
    expect(priceLevelsToEnsure([item('C', 3)], {})).toBeNull();
  });

  it('reads the price records of the variants BigCommerce has, per price list, each variant once', () => {
    const items = [item('a', 1, { Wholesale: 8, Retail: 9 }), item('SHIRT-M', 2, { Wholesale: 7 }), item('NEW', 3, { Wholesale: 5 }), item('SHIRT-M', 4, { Wholesale: 7 })];
    const products = [product('A', 11), product('SHIRT', null, [{ id: 21, sku: 'shirt-m' }])];
    expect(priceRecordReads(items, products, { Wholesale: 100, Retail: 200 })).toEqual([
      { listId: 100, variantIds: [11, 21] },
      { listId: 200, variantIds: [11] },
    ]);
    // A level without a price list yet is not read.
    expect(priceRecordReads(items, products, { Retail: 200 })).toEqual([{ listId: 200, variantIds: [11] }]);
  });

  it('splits a price list read past 250 variants', () => {
    const items = Array.from({ length: 251 }, (_, i) => item(`S-${i}`, i, { Wholesale: 1 }));
    const products = items.map((it, i) => product(it.sku, 1_000 + i));
    const reads = priceRecordReads(items, products, { Wholesale: 100 });
    expect(reads.map((r) => [r.listId, r.variantIds.length])).toEqual([
      [100, 250],
      [100, 1],
    ]);
    expect(reads[1]!.variantIds).toEqual([1_250]);
  });

  it('merges the records read into one map per price list', () => {
    expect(
      mergePriceRecords([
        { listId: 100, found: { '11': 8 } },
        { listId: 200, found: { '11': 9 } },
        { listId: 100, found: { '21': 7 } },
      ]),
    ).toEqual({ '100': { '11': 8, '21': 7 }, '200': { '11': 9 } });
    expect(mergePriceRecords([])).toEqual({});
  });

  it('parks each item of a failed batch with the failure type, ActivityFailed without one', () => {
    expect(failedBatch(['A', 'B'], { type: 'BcValidation', message: '400 bad batch' })).toEqual([
      { sku: 'A', type: 'BcValidation', reason: '400 bad batch' },
      { sku: 'B', type: 'BcValidation', reason: '400 bad batch' },
    ]);
    expect(failedBatch(['A'], { type: undefined, message: 'timed out' })).toEqual([{ sku: 'A', type: 'ActivityFailed', reason: 'timed out' }]);
    expect(failedBatch(['A'], { type: null, message: 'x' })[0]!.type).toBe('ActivityFailed');
  });

  it('parks a price whose variant was not created, unless its SKU was refused already', () => {
    const missing = [
      { sku: 'NEW-1', priceListId: 1, price: 5 },
      { sku: 'new-2', priceListId: 1, price: 6 },
    ];
    expect(unwrittenPrices(missing, [parked('NEW-2')])).toEqual([
      { sku: 'NEW-1', type: 'BcVariantMissing', reason: 'its variant was not created, so its price-list record could not be written' },
    ]);
    expect(unwrittenPrices([], [])).toEqual([]);
  });

  it('keeps one entry per SKU with its reasons joined, in the place of the first', () => {
    expect(dedupeParked([parked('A', 'BcConflict', 'one'), parked('B'), parked('a ', 'BcValidation', 'two')])).toEqual([
      { sku: 'a ', type: 'BcValidation', reason: 'one; two' },
      { sku: 'B', type: 'BcConflict', reason: 'refused B' },
    ]);
  });

  it('after a page: a synced SKU leaves the list, a refused one replaces its older entry at the end, stamped', () => {
    const before = [
      { ...parked('A'), at: 't0' },
      { ...parked('B'), at: 't0' },
      { ...parked('C'), at: 't0' },
    ];
    const after = parkAfterPage(before, [item('a', 1), item('B', 2)], [parked('B', 'BcValidation', 'still bad')], 't1');
    expect(after).toEqual([
      { ...parked('C'), at: 't0' },
      { sku: 'B', type: 'BcValidation', reason: 'still bad', at: 't1' },
    ]);
  });

  it(`keeps only the newest ${MAX_PARKED} parked items`, () => {
    expect(MAX_PARKED).toBe(500);
    const before = Array.from({ length: 499 }, (_, i) => parked(`OLD-${i}`));
    const after = parkAfterPage(before, [], [parked('NEW-1'), parked('NEW-2')], 't');
    expect(after).toHaveLength(500);
    expect(after[0]!.sku).toBe('OLD-1');
    expect(after.at(-1)!.sku).toBe('NEW-2');
    expect(parkAfterPage([parked('A'), parked('B')], [], [parked('C')], 't', 2).map((p) => p.sku)).toEqual(['B', 'C']);
  });
});

describe('catalog sync state: ops decisions', () => {
  it('refuses an action other than retry or skip, and any decision when nothing is parked', () => {
    expect(() => validateCatalogDecision({ action: 'resolve' }, 3)).toThrow('a catalog decision is retry or skip, not resolve');
    expect(() => validateCatalogDecision({ action: 'retry' }, 0)).toThrow('nothing to decide: no catalog item is parked');
    expect(() => validateCatalogDecision({ action: 'skip' }, 0)).toThrow('nothing to decide: no catalog item is parked');
    expect(() => validateCatalogDecision({ action: 'retry' }, 1)).not.toThrow();
    expect(() => validateCatalogDecision({ action: 'skip' }, 1)).not.toThrow();
  });

  it('a decision is about the SKUs it names (any case or spacing), or all parked', () => {
    const list = [parked('A'), parked('B'), parked('C')];
    expect(chosenParked(list, [' b', 'c', 'Z']).map((p) => p.sku)).toEqual(['B', 'C']);
    expect(chosenParked(list).map((p) => p.sku)).toEqual(['A', 'B', 'C']);
    expect(chosenParked(list, [])).toEqual([]);
  });

  it('skip drops the chosen items and keeps the others', () => {
    const list = [parked('A'), parked('B'), parked('C')];
    expect(withoutParked(list, [parked('b')]).map((p) => p.sku)).toEqual(['A', 'C']);
    expect(withoutParked(list, list)).toEqual([]);
  });

  it(`retry reads the chosen SKUs again ${RETRY_READ_BATCH} at a time`, () => {
    const chosen = Array.from({ length: 501 }, (_, i) => parked(`S-${i}`));
    const reads = retryReads(chosen);
    expect(reads.map((r) => r.length)).toEqual([500, 1]);
    expect(reads[1]).toEqual(['S-500']);
    expect(retryReads([])).toEqual([]);
  });

  it('after a retry read, an asked item the ERP no longer has leaves the list; found and unasked ones stay', () => {
    const list = [parked('A'), parked('B'), parked('C')];
    expect(withoutVanished(list, ['a', 'B'], [item('A', 1)]).map((p) => p.sku)).toEqual(['A', 'C']);
    expect(withoutVanished(list, ['A', 'B'], []).map((p) => p.sku)).toEqual(['C']);
  });
});

describe('catalog sync state: what ops see', () => {
  it('search attributes: nothing before a run, Synced after one, NeedsAttention with the first parked type', () => {
    expect(catalogSearchAttributes({ parked: [], runs: 0 })).toEqual({ status: '', error: '' });
    expect(catalogSearchAttributes({ parked: [], runs: 2 })).toEqual({ status: 'Synced', error: '' });
    expect(catalogSearchAttributes({ parked: [parked('A', 'BcValidation'), parked('B')], runs: 0 })).toEqual({ status: 'NeedsAttention', error: 'BcValidation' });
  });

  it('details before the first run', () => {
    expect(catalogDetails(emptyCatalogState(), 'abc')).toBe('**Catalog of store `abc`** (ERP -> BigCommerce) · watermark none yet · runs 0\n- No run yet');
  });

  it('details of a running run show its cursor and counts', () => {
    const s = state({
      watermark: { modifiedMs: Date.parse('2026-01-05T09:00:00.000Z'), erpId: 3 },
      runs: 1,
      running: run({
        cursor: { modifiedMs: Date.parse('2026-01-05T09:30:00.000Z'), erpId: 9 },
        counts: counts({ pages: 2, items: 10, unchanged: 4, productsCreated: 1, productsUpdated: 2, variantsWritten: 3, priceRecords: 5, parked: 0, bcCalls: 12 }),
      }),
    });
    expect(catalogDetails(s, 'abc').split('\n')).toEqual([
      '**Catalog of store `abc`** (ERP -> BigCommerce) · watermark 2026-01-05T09:00:00.000Z · runs 1',
      '- **Running** (schedule) since 2026-01-05T10:00:00.000Z, at 2026-01-05T09:30:00.000Z / item 9',
      '- 2 page(s), 10 changed item(s): 4 unchanged, 1 products created, 2 updated, 3 variants, 5 price records, 0 parked; 12 BigCommerce calls',
    ]);
  });

  it('details after a run show the last run and what is parked (the first 10) with how to decide', () => {
    const s = state({
      runs: 1,
      lastRun: { reason: 'api', startedAt: 't0', endedAt: 't1', counts: counts({ parked: 12 }) },
      parked: Array.from({ length: 12 }, (_, i) => parked(`S-${i}`)),
    });
    const lines = catalogDetails(s, 'abc').split('\n');
    expect(lines[1]).toBe('- Last run (api) t0 .. t1');
    expect(lines[2]).toBe('- 0 page(s), 0 changed item(s): 0 unchanged, 0 products created, 0 updated, 0 variants, 0 price records, 12 parked; 0 BigCommerce calls');
    expect(lines[3]).toBe('- **Needs attention: 12 item(s) parked**');
    expect(lines.slice(4, 14)).toEqual(Array.from({ length: 10 }, (_, i) => `  - \`S-${i}\` BcConflict: refused S-${i}`));
    expect(lines[14]).toBe('- Decide: signal `decide` with `{"action":"retry"}` (read again from the ERP and write) or `{"action":"skip"}`, optionally `"skus":[...]`');
    expect(lines).toHaveLength(15);
  });
});
