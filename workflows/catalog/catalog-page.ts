import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { CatalogBcActivities } from '../../activities/catalog/catalog';
import { chunk, PRICE_RECORD_CONCURRENCY, PRODUCT_READ_BATCH, priceRecordBatches, productBatches, variantBatches } from '../../domain/catalog/batches';
import { planCatalogChanges, productSkusOf, resolveDeferredPrices, type PriceRecordWrite } from '../../domain/catalog/diff';
import type { BcProductState, CatalogItem, ParkedItem } from '../../domain/catalog/item';
import { failedBatch, mergePriceRecords, priceLevelsToEnsure, priceRecordReads, unwrittenPrices, type CatalogCounts } from '../../domain/catalog/sync-state';

/** Product and variant writes in flight at once (the store queue's rate limit paces them further). */
const WRITES_IN_FLIGHT = 40;

/** Runs `tasks` with at most `limit` in flight, each started in the order given. */
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

/** The items of a batch whose activity failed for good (e.g. 400 for the whole batch) park with the cause; anything else is rethrown. */
function failureOf(err: unknown, skus: string[]): ParkedItem[] {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return failedBatch(skus, { type: cause?.type, message: cause?.message ?? err.message });
}

/**
 * Writes a page of changed items to BigCommerce: reads what BigCommerce has for their SKUs (and
 * their price-list records), diffs, and writes only the difference: products, then variants, then
 * price records (the records of new variants need the ids their creates answered with). Adds what
 * it did to `counts` and answers the items refused, with why. The price lists are looked up once per
 * run (this writer's life) and again when an item names a level not seen yet.
 */
export function catalogPageWriter(bc: CatalogBcActivities): (items: CatalogItem[], counts: CatalogCounts) => Promise<ParkedItem[]> {
  let priceLists: Record<string, number> = {};

  return async function writePage(items, counts) {
    const levels = priceLevelsToEnsure(items, priceLists);
    if (levels) {
      const r = await bc.catalogEnsurePriceLists(levels);
      priceLists = r.lists;
      counts.bcCalls += r.calls;
    }
    const reads = await Promise.all(chunk(productSkusOf(items), PRODUCT_READ_BATCH).map((skus) => bc.catalogReadProducts(skus)));
    counts.bcCalls += reads.length;
    const products: BcProductState[] = reads.flat();

    const recordReads = priceRecordReads(items, products, priceLists);
    const records = mergePriceRecords(await Promise.all(recordReads.map(async (r) => ({ listId: r.listId, found: await bc.catalogReadPriceRecords(r.listId, r.variantIds) }))));
    counts.bcCalls += recordReads.length;

    const plan = planCatalogChanges(items, products, records, priceLists);
    const refused: ParkedItem[] = [...plan.parked];
    const created: Record<string, number> = {};
    /** One write of a page: what BigCommerce refused is parked in its answer; a failed call parks its SKUs. */
    const write = (skus: () => string[], call: () => Promise<void>) => async () => {
      try {
        await call();
      } catch (err) {
        refused.push(...failureOf(err, skus()));
      }
    };

    await pool<void>(
      [
        ...plan.productCreates.map((create) =>
          write(
            () => [create.sku],
            async () => {
              const r = await bc.catalogCreateProduct(create);
              counts.bcCalls += r.calls;
              if (r.ok) {
                Object.assign(created, r.variantIds);
                counts.productsCreated++;
              } else refused.push(...r.parked);
            },
          ),
        ),
        ...productBatches(plan.productUpdates).map((batch) =>
          write(
            () => batch.map((b) => b.sku),
            async () => {
              const r = await bc.catalogUpdateProducts(batch);
              counts.bcCalls += r.calls;
              counts.productsUpdated += r.updated.length;
              refused.push(...r.parked);
            },
          ),
        ),
        ...variantBatches(plan.variantWrites).map((batch) =>
          write(
            () => batch.map((b) => b.sku),
            async () => {
              const r = await bc.catalogWriteVariants(batch);
              counts.bcCalls += r.calls;
              counts.variantsWritten += batch.length - r.parked.length;
              Object.assign(created, r.variantIds);
              refused.push(...r.parked);
            },
          ),
        ),
      ],
      WRITES_IN_FLIGHT,
    );

    // Prices last: the records of new variants need the ids their creates answered with.
    const deferred = resolveDeferredPrices(plan.deferredPrices, created);
    const recordWrites: PriceRecordWrite[] = [...plan.priceRecords, ...deferred.records];
    refused.push(...unwrittenPrices(deferred.missing, refused));
    await pool(
      priceRecordBatches(recordWrites).map((b) =>
        write(
          () => b.records.map((x) => x.sku),
          async () => {
            const r = await bc.catalogUpsertPriceRecords(b.priceListId, b.records);
            counts.bcCalls += r.calls;
            counts.priceRecords += r.written;
            refused.push(...r.parked);
          },
        ),
      ),
      PRICE_RECORD_CONCURRENCY,
    );

    counts.items += items.length;
    counts.unchanged += plan.unchanged;
    counts.parked += refused.length;
    return refused;
  };
}
