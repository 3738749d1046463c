import { z } from 'zod';
import type { ParkedItem } from '../../../domain/catalog/item';
import type { VariantWrite } from '../../../domain/catalog/diff';
import { skuKey } from '../../../domain/catalog/diff';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { resolveOptionValueIds } from './option-values';
import { bcVariantSchema, failedIndexes } from './schemas';

type CallOpts = { signal?: AbortSignal; priority?: number };

const batchErrors = z.object({
  batch_errors: z.array(z.object({ status: z.number().optional(), title: z.string().optional(), errors: z.record(z.string(), z.unknown()).optional() })),
});

/**
 * PUT /v3/catalog/variants: up to 50 variant updates (`id`) and creates (`product_id`, `sku`,
 * `option_values`) in one call. The batch is all or nothing: one bad item makes a 422 whose
 * `batch_errors` name each bad item by index, and nothing is saved. So we park the named items and
 * send the rest again. A create retried after a lost answer meets its own SKU: we look it up and
 * adopt it when it is on the same product. Creates name their option values by id: before the PUT,
 * each product's options are read, and missing options and values created (resolveOptionValueIds);
 * those calls count in `calls`, and a variant whose values cannot be made is parked alone.
 * https://developer.bigcommerce.com/docs/rest-catalog/product-variants#update-variants-batch
 */
export async function writeVariants(
  client: BigCommerceClient,
  batch: VariantWrite[],
  opts: CallOpts = {},
): Promise<{ variantIds: Record<string, number>; parked: ParkedItem[]; calls: number }> {
  if (batch.length > 50) throw new Error('at most 50 variants per batch PUT');
  const parked: ParkedItem[] = [];
  const variantIds: Record<string, number> = {};
  let calls = 0;
  const creates = batch.filter((w) => w.id === undefined);
  const resolved = creates.length ? await resolveOptionValueIds(client, creates, opts) : undefined;
  if (resolved) {
    calls += resolved.calls;
    parked.push(...resolved.parked);
  }
  let pending = batch.filter((w) => w.id !== undefined || resolved?.refs.has(w));
  while (pending.length) {
    calls++;
    try {
      const body = pending.map((w) => {
        const { sku, id, product_id, price } = w;
        if (id !== undefined) return { id, product_id, ...(price !== undefined ? { price } : {}) };
        return { product_id, sku, option_values: resolved!.refs.get(w)!, ...(price !== undefined ? { price } : {}) };
      });
      const res = await client.request({ method: 'PUT', path: '/v3/catalog/variants', body, route: '/v3/catalog/variants', ...opts }, z.object({ data: z.array(bcVariantSchema) }));
      for (const v of res.data?.data ?? []) variantIds[skuKey(v.sku)] = v.id;
      return { variantIds, parked, calls };
    } catch (err) {
      if (!(err instanceof BigCommerceError) || !['validation', 'conflict', 'not_found'].includes(err.kind)) throw err;
      const parsed = batchErrors.safeParse(err.details.body);
      const failed = new Map<number, { reason: string; status: number | undefined }>();
      if (parsed.success) {
        for (const e of parsed.data.batch_errors)
          for (const [i, reason] of failedIndexes(e.errors, '')) failed.set(i, { reason: `${e.title ?? 'refused'}: ${reason}`, status: e.status });
      } else {
        for (const [i, reason] of failedIndexes(err.details.fieldErrors, '')) failed.set(i, { reason, status: err.details.status });
      }
      if (failed.size === 0 && pending.length === 1) failed.set(0, { reason: err.message, status: err.details.status });
      if (failed.size === 0) throw err;
      for (const [i, f] of failed) {
        const w = pending[i];
        if (!w) continue;
        if (w.id === undefined && f.status === 409) {
          calls++;
          const found = await client.request(
            { method: 'GET', path: '/v3/catalog/variants', query: { sku: w.sku }, route: '/v3/catalog/variants', ...opts },
            z.object({ data: z.array(bcVariantSchema) }),
          );
          const mine = found.data?.data.find((v) => v.product_id === w.product_id && skuKey(v.sku) === skuKey(w.sku));
          if (mine) {
            variantIds[skuKey(w.sku)] = mine.id;
            continue;
          }
        }
        parked.push({ sku: w.sku, type: f.status === 409 ? 'BcConflict' : f.status === 404 ? 'BcNotFound' : 'BcValidation', reason: f.reason });
      }
      pending = pending.filter((_, i) => !failed.has(i));
    }
  }
  return { variantIds, parked, calls };
}
