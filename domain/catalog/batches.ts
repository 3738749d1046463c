import type { PriceRecordWrite, ProductUpdate, VariantWrite } from './diff';

/**
 * BigCommerce's batch caps (shared/bigcommerce/FACTS.md section 3): PUT /v3/catalog/products takes
 * 10 products (413 above), PUT /v3/catalog/variants 50, PUT /v3/pricelists/{id}/records 1000, with
 * at most 2 record upserts in flight per store (a third is a 429).
 */
export const PRODUCT_BATCH = 10;
export const VARIANT_BATCH = 50;
export const PRICE_RECORD_BATCH = 1000;
export const PRICE_RECORD_CONCURRENCY = 2;
/** GET /v3/catalog/products `limit` maximum; `sku:in` of that many SKUs fits in a URL. */
export const PRODUCT_READ_BATCH = 250;
/** GET /v3/pricelists/{id}/records `limit` maximum (offset pages of 250). */
export const PRICE_RECORD_READ_BATCH = 250;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error('chunk size must be positive');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One product may appear once per batch PUT (BigCommerce refuses the batch otherwise). */
export function productBatches(updates: ProductUpdate[]): ProductUpdate[][] {
  const merged = new Map<number, ProductUpdate>();
  for (const u of updates) merged.set(u.id, { ...u, fields: { ...merged.get(u.id)?.fields, ...u.fields } });
  return chunk([...merged.values()], PRODUCT_BATCH);
}

export const variantBatches = (writes: VariantWrite[]): VariantWrite[][] => chunk(writes, VARIANT_BATCH);

/** Upserts go per price list: one PUT carries up to 1000 records of one list. */
export function priceRecordBatches(records: PriceRecordWrite[]): Array<{ priceListId: number; records: PriceRecordWrite[] }> {
  const byList = new Map<number, PriceRecordWrite[]>();
  for (const r of records) byList.set(r.priceListId, [...(byList.get(r.priceListId) ?? []), r]);
  return [...byList].flatMap(([priceListId, rs]) => chunk(rs, PRICE_RECORD_BATCH).map((b) => ({ priceListId, records: b })));
}

/**
 * The fewest BigCommerce calls a page can take (the bench's min_calls): reading the products of the
 * changed SKUs (250 a call) and their price records (250 a call per list), then each write at its
 * batch cap. Creates are one call each (POST /v3/catalog/products takes one product).
 */
export function minCalls(counts: {
  productSkus: number;
  recordReadsPerList: number[];
  productUpdates: number;
  productCreates: number;
  variantWrites: number;
  priceRecordsPerList: number[];
}): number {
  const reads = Math.ceil(counts.productSkus / PRODUCT_READ_BATCH) + counts.recordReadsPerList.reduce((n, v) => n + Math.ceil(v / PRICE_RECORD_READ_BATCH), 0);
  const writes =
    Math.ceil(counts.productUpdates / PRODUCT_BATCH) +
    counts.productCreates +
    Math.ceil(counts.variantWrites / VARIANT_BATCH) +
    counts.priceRecordsPerList.reduce((n, v) => n + Math.ceil(v / PRICE_RECORD_BATCH), 0);
  return reads + writes;
}
