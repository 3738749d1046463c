import { ActivityFailure, ApplicationFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { handleDecisions } from '../shared/decisions';
import { ensureSearchAttributes, searchAttributePublisher } from '../shared/search-attributes';
import type { CatalogBcActivities, CatalogControlActivities, CatalogErpActivities } from '../../activities/catalog/catalog';
import { chunk, priceRecordBatches, productBatches, PRICE_RECORD_CONCURRENCY, PRICE_RECORD_READ_BATCH, PRODUCT_READ_BATCH, variantBatches } from '../../domain/catalog/batches';
import { planCatalogChanges, productSkusOf, resolveDeferredPrices, skuKey, type CatalogPlan, type PriceRecordWrite } from '../../domain/catalog/diff';
import type { BcPriceRecords, BcProductState, CatalogCursor, CatalogItem, ParkedItem } from '../../domain/catalog/item';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { BcErrorType, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import {
  type CatalogSyncInput,
  type CatalogDecision,
  type CatalogCounts,
  type CatalogSyncState,
  catalogRunSignal,
  catalogStateQuery,
  catalogDecideSignal,
  catalogDecideUpdate,
} from './catalog-sync.contract';

/** Parked items kept in full in the state (the history stays small); more are counted. */
const MAX_PARKED = 500;
const WRITES_IN_FLIGHT = 40;

const zero = (): CatalogCounts => ({ pages: 0, items: 0, unchanged: 0, productsCreated: 0, productsUpdated: 0, variantsWritten: 0, priceRecords: 0, parked: 0, bcCalls: 0 });

/**
 * The catalog of one store, ERP -> BigCommerce (`catalog:<storeHash>`, type `catalogSync`), always
 * running and holding its watermark, like `reconcile:<storeHash>`. The schedule
 * `bcsync-catalog-<storeHash>` (and an ERP `item.changed` event) wake it. A run pages through the
 * items changed since the watermark (1000 a page), and for each page reads what BigCommerce has for
 * those SKUs, computes the difference and writes only that: products 10 a call, variants 50,
 * price records 1000 (2 in flight). Items BigCommerce refuses are parked with the reason; the rest
 * lands. The cursor is checkpointed after each page, and the history is renewed (continue-as-new)
 * between pages, so a run survives worker kills and Temporal restarts and resumes at its page.
 */
export async function catalogSync(input: CatalogSyncInput): Promise<CatalogSyncState> {
  const { storeHash } = input;
  const state: CatalogSyncState = input.carried ?? { watermark: null, runs: 0, running: null, lastRun: null, parked: [], queued: [], decisions: [] };
  let deciding = false;
  setHandler(catalogStateQuery, () => state);
  setHandler(catalogRunSignal, (r) => void state.queued.push(r));
  handleDecisions({
    signal: catalogDecideSignal,
    update: catalogDecideUpdate,
    // Kept in the state: decisions not taken yet go across continue-as-new.
    queue: state.decisions,
    busy: () => deciding,
    answer: () => ({ parked: state.parked }),
    validate: (d) => {
      if (d.action !== 'retry' && d.action !== 'skip') throw new Error(`a catalog decision is retry or skip, not ${String(d.action)}`);
      if (state.parked.length === 0) throw new Error('nothing to decide: no catalog item is parked');
    },
  });

  const bcOptions = {
    taskQueue: bigCommerceTaskQueue(storeHash),
    // Behind orders and reconciliation on the store's queue: a price can wait, an order cannot.
    priority: PRIORITY.batch,
    startToCloseTimeout: '1m',
    // One call per activity beating twice a second: a killed worker's call moves on within 2 s.
    heartbeatTimeout: '2s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
  } as const;
  const bc = proxyActivities<CatalogBcActivities>({ ...bcOptions, summary: `catalog call to BigCommerce (store ${storeHash})` });
  const erp = proxyActivities<CatalogErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '2m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
    summary: 'read changed catalog items from the ERP',
  });

  ensureSearchAttributes(BcStoreHash, [{ key: BcStoreHash, value: storeHash }]);
  const publishAttributes = searchAttributePublisher((attrs: { status: string; error: string }) => [
    { key: BcSyncStatus, value: attrs.status || null },
    { key: BcErrorType, value: attrs.error || null },
  ]);
  const publish = () => {
    publishAttributes({ status: state.parked.length ? 'NeedsAttention' : state.runs > 0 ? 'Synced' : '', error: state.parked[0]?.type ?? '' });
    const c = state.running?.counts ?? state.lastRun?.counts;
    const wm = state.watermark ? new Date(state.watermark.modifiedMs).toISOString() : 'none yet';
    setCurrentDetails(
      [
        `**Catalog of store \`${storeHash}\`** (ERP -> BigCommerce) · watermark ${wm} · runs ${state.runs}`,
        state.running
          ? `- **Running** (${state.running.reason}) since ${state.running.startedAt}, at ${new Date(state.running.cursor.modifiedMs).toISOString()} / item ${state.running.cursor.erpId}`
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
      ].join('\n'),
    );
  };

  /** Runs `tasks` with at most `limit` in flight (the queue's rate limit paces them further). */
  async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
    const out: T[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(limit, tasks.length) }, async () => {
        while (next < tasks.length) {
          const i = next++;
          out[i] = await tasks[i]!();
        }
      }),
    );
    return out;
  }

  /** A batch whose activity failed for good (e.g. 400 for the whole batch): its items park with the cause. */
  function failureOf(err: unknown, skus: string[]): ParkedItem[] {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    return skus.map((sku) => ({ sku, type: cause?.type ?? 'ActivityFailed', reason: cause?.message ?? err.message }));
  }

  let priceLists: Record<string, number> = {};
  const renewDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.renewAfterEvents ?? 8_000);

  /** One page of changed items: read BigCommerce for them, diff, write the difference. */
  async function syncItems(items: CatalogItem[], counts: CatalogCounts): Promise<void> {
    const levels = [...new Set(items.flatMap((i) => Object.keys(i.levelPrices)))];
    if (levels.some((l) => priceLists[l] === undefined)) {
      const r = await bc.catalogEnsurePriceLists(levels);
      priceLists = r.lists;
      counts.bcCalls += r.calls;
    }
    const productSkus = productSkusOf(items);
    const reads = await Promise.all(chunk(productSkus, PRODUCT_READ_BATCH).map((skus) => bc.catalogReadProducts(skus)));
    counts.bcCalls += reads.length;
    const products: BcProductState[] = reads.flat();

    // Current records of the variants these items have prices for, per price list.
    const bySku = new Map<string, number>();
    for (const p of products) {
      if (p.baseVariantId) bySku.set(skuKey(p.sku), p.baseVariantId);
      for (const v of p.variants) bySku.set(skuKey(v.sku), v.id);
    }
    const records: BcPriceRecords = {};
    const perList = new Map<number, number[]>();
    for (const item of items) {
      const variantId = bySku.get(skuKey(item.sku));
      if (variantId === undefined) continue;
      for (const level of Object.keys(item.levelPrices)) {
        const listId = priceLists[level];
        if (listId !== undefined) perList.set(listId, [...(perList.get(listId) ?? []), variantId]);
      }
    }
    const recordReads = [...perList].flatMap(([listId, ids]) =>
      chunk([...new Set(ids)], PRICE_RECORD_READ_BATCH).map((part) => async () => ({ listId, found: await bc.catalogReadPriceRecords(listId, part) })),
    );
    for (const r of await Promise.all(recordReads.map((f) => f()))) records[String(r.listId)] = { ...records[String(r.listId)], ...r.found };
    counts.bcCalls += recordReads.length;

    const plan: CatalogPlan = planCatalogChanges(items, products, records, priceLists);
    const parked: ParkedItem[] = [...plan.parked];
    const created: Record<string, number> = {};

    const writes: Array<() => Promise<void>> = [
      ...plan.productCreates.map((create) => async () => {
        try {
          const r = await bc.catalogCreateProduct(create);
          counts.bcCalls += r.calls;
          if (r.ok) {
            Object.assign(created, r.variantIds);
            counts.productsCreated++;
          } else parked.push(...r.parked);
        } catch (err) {
          parked.push(...failureOf(err, [create.sku]));
        }
      }),
      ...productBatches(plan.productUpdates).map((batch) => async () => {
        try {
          const r = await bc.catalogUpdateProducts(batch);
          counts.bcCalls += r.calls;
          counts.productsUpdated += r.updated.length;
          parked.push(...r.parked);
        } catch (err) {
          parked.push(
            ...failureOf(
              err,
              batch.map((b) => b.sku),
            ),
          );
        }
      }),
      ...variantBatches(plan.variantWrites).map((batch) => async () => {
        try {
          const r = await bc.catalogWriteVariants(batch);
          counts.bcCalls += r.calls;
          counts.variantsWritten += batch.length - r.parked.length;
          Object.assign(created, r.variantIds);
          parked.push(...r.parked);
        } catch (err) {
          parked.push(
            ...failureOf(
              err,
              batch.map((b) => b.sku),
            ),
          );
        }
      }),
    ];
    await pool(writes, WRITES_IN_FLIGHT);

    // Prices last: the records of new variants need the ids their creates answered with.
    const deferred = resolveDeferredPrices(plan.deferredPrices, created);
    const refusedSkus = new Set(parked.map((p) => skuKey(p.sku)));
    const recordWrites: PriceRecordWrite[] = [...plan.priceRecords, ...deferred.records];
    for (const m of deferred.missing)
      if (!refusedSkus.has(skuKey(m.sku)))
        parked.push({ sku: m.sku, type: 'BcVariantMissing', reason: 'its variant was not created, so its price-list record could not be written' });
    await pool(
      priceRecordBatches(recordWrites).map((b) => async () => {
        try {
          const r = await bc.catalogUpsertPriceRecords(b.priceListId, b.records);
          counts.bcCalls += r.calls;
          counts.priceRecords += r.written;
          parked.push(...r.parked);
        } catch (err) {
          parked.push(
            ...failureOf(
              err,
              b.records.map((x) => x.sku),
            ),
          );
        }
      }),
      PRICE_RECORD_CONCURRENCY,
    );

    counts.items += items.length;
    counts.unchanged += plan.unchanged;
    counts.parked += parked.length;
    // A SKU synced now is no longer parked; one refused now replaces its older entry.
    const seen = new Set(items.map((i) => skuKey(i.sku)));
    const stamp = new Date().toISOString();
    state.parked = [...state.parked.filter((p) => !seen.has(skuKey(p.sku))), ...dedupe(parked).map((p) => ({ ...p, at: stamp }))].slice(-MAX_PARKED);
  }

  /** Pages from the running cursor to the end of the change feed, checkpointing after each page. */
  async function run(): Promise<'done' | 'renew'> {
    const running = state.running!;
    for (;;) {
      const page = await erp.catalogReadChanges(running.cursor, input.pageSize);
      if (page.items.length) await syncItems(page.items, running.counts);
      running.counts.pages++;
      running.cursor = page.next;
      running.progressAt = new Date().toISOString();
      publish();
      if (!page.more) return 'done';
      if (renewDue()) return 'renew';
    }
  }

  async function decide(d: CatalogDecision): Promise<void> {
    const wanted = d.skus ? new Set(d.skus.map(skuKey)) : undefined;
    const chosen = state.parked.filter((p) => !wanted || wanted.has(skuKey(p.sku)));
    if (d.action === 'skip') {
      const drop = new Set(chosen.map((p) => skuKey(p.sku)));
      state.parked = state.parked.filter((p) => !drop.has(skuKey(p.sku)));
      return;
    }
    const counts = zero();
    for (const part of chunk(
      chosen.map((p) => p.sku),
      500,
    )) {
      const items = await erp.catalogReadItems(part);
      const found = new Set(items.map((i) => skuKey(i.sku)));
      // An item no longer in the ERP has nothing to sync: it leaves the list.
      state.parked = state.parked.filter((p) => !part.some((s) => skuKey(s) === skuKey(p.sku)) || found.has(skuKey(p.sku)));
      if (items.length) await syncItems(items, counts);
    }
  }

  publish();
  for (;;) {
    if (!state.running) {
      await condition(() => state.queued.length > 0 || state.decisions.length > 0);
      if (state.decisions.length) {
        deciding = true;
        const d = state.decisions[0]!;
        await decide(d);
        state.decisions.shift();
        deciding = false;
        publish();
        continue;
      }
      const batch = state.queued.splice(0);
      const since = Math.min(...batch.map((r) => r.sinceMs ?? Number.POSITIVE_INFINITY));
      // From the watermark less the overlap; from `sinceMs` when earlier, or when there is no watermark yet
      // (without either, the first run is a full sync: every item is read and compared).
      let cursor: CatalogCursor = !state.watermark
        ? { modifiedMs: 0, erpId: 0 }
        : input.overlapMs > 0
          ? { modifiedMs: Math.max(0, state.watermark.modifiedMs - input.overlapMs), erpId: 0 }
          : state.watermark;
      if (Number.isFinite(since) && (!state.watermark || since < cursor.modifiedMs)) cursor = { modifiedMs: since, erpId: 0 };
      state.running = { reason: batch.map((b) => b.reason).join(', '), startedAt: new Date().toISOString(), cursor, counts: zero() };
      publish();
    }
    if ((await run()) === 'renew') return await continueAsNew<typeof catalogSync>({ ...input, carried: state });
    const done = state.running!;
    // Never move the watermark back (a run started from an earlier `sinceMs` re-reads old changes).
    if (
      !state.watermark ||
      done.cursor.modifiedMs > state.watermark.modifiedMs ||
      (done.cursor.modifiedMs === state.watermark.modifiedMs && done.cursor.erpId > state.watermark.erpId)
    )
      state.watermark = done.cursor;
    state.runs++;
    state.lastRun = { reason: done.reason, startedAt: done.startedAt, endedAt: new Date().toISOString(), counts: done.counts };
    state.running = null;
    publish();
    if (renewDue() && state.queued.length === 0 && state.decisions.length === 0) return await continueAsNew<typeof catalogSync>({ ...input, carried: state });
  }
}

function dedupe(items: ParkedItem[]): ParkedItem[] {
  const out = new Map<string, ParkedItem>();
  for (const p of items) out.set(skuKey(p.sku), out.has(skuKey(p.sku)) ? { ...p, reason: `${out.get(skuKey(p.sku))!.reason}; ${p.reason}` } : p);
  return [...out.values()];
}

/** Run by the catalog schedule: wakes the store's catalog sync (which keeps the watermark). */
export async function catalogTick(input: { storeHash: string }): Promise<void> {
  const control = proxyActivities<CatalogControlActivities>({
    startToCloseTimeout: '1m',
    retry: { maximumAttempts: 10 },
    summary: `wake the catalog sync of store ${input.storeHash}`,
  });
  await control.requestCatalogRun(input.storeHash, { reason: 'schedule' });
}
