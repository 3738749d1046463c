import { z } from 'zod';
import type { ParkedItem } from '../../../domain/catalog/item';
import type { ProductCreate, ProductUpdate } from '../../../domain/catalog/diff';
import { skuKey } from '../../../domain/catalog/diff';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { readProductsBySku } from './read-products';
import { bcProductSchema, failedIndexes } from './schemas';

type CallOpts = { signal?: AbortSignal; priority?: number };

const PARK_TYPES: Record<number, string> = { 409: 'BcConflict', 422: 'BcValidation', 404: 'BcNotFound', 400: 'BcValidation' };
const parkType = (status: number | undefined) => PARK_TYPES[status ?? 0] ?? 'BcValidation';

/**
 * PUT /v3/catalog/products: up to 10 products in one call. BigCommerce answers 207 when some items
 * failed (a duplicate name or SKU: "mapping drift"): the others are saved, and the failed ones come
 * back parked with their reason. A 4xx for the whole batch that names its items by index (a 422 for
 * an invalid value) is sent again without those, so one bad item never holds back the other nine.
 * https://developer.bigcommerce.com/docs/rest-catalog/products#update-products-batch
 */
export async function updateProducts(client: BigCommerceClient, batch: ProductUpdate[], opts: CallOpts = {}): Promise<{ updated: string[]; parked: ParkedItem[]; calls: number }> {
  if (batch.length > 10) throw new Error('at most 10 products per batch PUT');
  const parked: ParkedItem[] = [];
  let pending = batch;
  let calls = 0;
  while (pending.length) {
    calls++;
    try {
      const res = await client.request(
        { method: 'PUT', path: '/v3/catalog/products', body: pending.map((u) => ({ id: u.id, ...u.fields })), route: '/v3/catalog/products', ...opts },
        z.object({
          data: z.array(bcProductSchema.partial().extend({ id: z.number() })).default([]),
          errors: z.object({ status: z.number().optional(), title: z.string().optional(), errors: z.record(z.string(), z.unknown()).optional() }).optional(),
        }),
      );
      const failed = failedIndexes(res.data?.errors?.errors, '');
      for (const [i, reason] of failed) if (pending[i]) parked.push({ sku: pending[i]!.sku, type: parkType(res.data?.errors?.status), reason });
      const saved = new Set((res.data?.data ?? []).map((p) => p.id));
      // A 207 names the failures by index; anything neither saved nor named is failed too (never silently dropped).
      for (const [i, u] of pending.entries())
        if (!saved.has(u.id) && !failed.has(i)) parked.push({ sku: u.sku, type: 'BcPartialFailure', reason: `not in the ${res.status} answer's saved products` });
      return { updated: pending.filter((u) => saved.has(u.id)).map((u) => u.sku), parked, calls };
    } catch (err) {
      if (!(err instanceof BigCommerceError) || !['validation', 'conflict', 'not_found'].includes(err.kind)) throw err;
      const failed = failedIndexes(err.details.fieldErrors, err.message);
      // A refusal that does not say which item: with one item it is that item; with more, we cannot tell.
      if (failed.size === 0 && pending.length === 1) failed.set(0, err.message);
      if (failed.size === 0) throw err;
      for (const [i, reason] of failed) if (pending[i]) parked.push({ sku: pending[i]!.sku, type: parkType(err.details.status), reason });
      pending = pending.filter((_, i) => !failed.has(i));
    }
  }
  return { updated: [], parked, calls };
}

/**
 * POST /v3/catalog/products: one product, its variants inline. Not idempotent: a retry after an
 * answer that never came meets a 409 for its own SKU, so on 409 we look the SKU up and adopt the
 * product when it is there (it is ours: the SKU is the ERP's). Answers the variant ids by SKU.
 * https://developer.bigcommerce.com/docs/rest-catalog/products#create-a-product
 */
export async function createProduct(
  client: BigCommerceClient,
  create: ProductCreate,
  opts: CallOpts = {},
): Promise<{ ok: true; productId: number; variantIds: Record<string, number>; adopted: boolean; calls: number } | { ok: false; parked: ParkedItem[]; calls: number }> {
  const ids = (p: { base_variant_id?: number | null; sku: string; variants?: Array<{ id: number; sku: string }> }) => {
    const out: Record<string, number> = {};
    for (const v of p.variants ?? []) out[skuKey(v.sku)] = v.id;
    if (p.base_variant_id) out[skuKey(p.sku)] = p.base_variant_id;
    return out;
  };
  const skus = [create.sku, ...(create.body.variants ?? []).map((v) => v.sku)];
  try {
    const res = await client.request(
      { method: 'POST', path: '/v3/catalog/products', query: { include: 'variants' }, body: create.body, route: '/v3/catalog/products', ...opts },
      z.object({ data: bcProductSchema }),
    );
    const p = res.data!.data;
    return { ok: true, productId: p.id, variantIds: ids(p), adopted: false, calls: 1 };
  } catch (err) {
    if (!(err instanceof BigCommerceError) || !['validation', 'conflict'].includes(err.kind)) throw err;
    if (err.kind === 'conflict') {
      const [existing] = await readProductsBySku(client, [create.sku], opts);
      if (existing && skuKey(existing.sku) === skuKey(create.sku) && existing.name === create.body.name) {
        const variantIds: Record<string, number> = {};
        for (const v of existing.variants) variantIds[skuKey(v.sku)] = v.id;
        if (existing.baseVariantId) variantIds[skuKey(existing.sku)] = existing.baseVariantId;
        return { ok: true, productId: existing.id, variantIds, adopted: true, calls: 2 };
      }
      const reason = `${err.message}${err.details.fieldErrors?.length ? ` (${err.details.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')})` : ''}`;
      return { ok: false, parked: skus.map((sku) => ({ sku, type: 'BcConflict', reason })), calls: 2 };
    }
    const reason = `${err.message}${err.details.fieldErrors?.length ? ` (${err.details.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')})` : ''}`;
    return { ok: false, parked: skus.map((sku) => ({ sku, type: parkType(err.details.status), reason })), calls: 1 };
  }
}
