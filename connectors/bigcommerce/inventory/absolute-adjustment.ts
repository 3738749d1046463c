import { z } from 'zod';
import type { AbsoluteItem } from '../../../domain/inventory/batches';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';

// --- BigCommerce's shape (inventory.v3.yml, PUT /inventory/adjustments/absolute) ---
const adjustmentResponse = z.object({ transaction_id: z.string() });

/**
 * One absolute adjustment: up to 2000 items, one identifier each (`product_id` for items tracked by
 * product, `variant_id` for items tracked by variant; the wrong one is a 422 "Item with variant_id N
 * is tracked by product"). Absolute writes are idempotent, so a retry after a lost answer is safe
 * (FACTS.md section 12). BigCommerce asks for one such request in flight per store: the caller
 * sends the next only after this one returned. The stock changes "after a short delay".
 * https://developer.bigcommerce.com/docs/rest-management/inventory/adjustments#absolute-adjustment
 */
export async function writeAbsoluteLevels(
  client: BigCommerceClient,
  items: readonly AbsoluteItem[],
  reason: string,
  opts: { signal?: AbortSignal; priority?: number } = {},
): Promise<{ transactionId: string }> {
  const body = {
    reason: reason.slice(0, 255),
    items: items.map((i) => ({ location_id: i.bcLocationId, ...('productId' in i.ref ? { product_id: i.ref.productId } : { variant_id: i.ref.variantId }), quantity: i.quantity })),
  };
  const res = await client.request({ method: 'PUT', path: '/v3/inventory/adjustments/absolute', body, signal: opts.signal, priority: opts.priority }, adjustmentResponse);
  if (!res.data) throw new BigCommerceError('bad_response', 'PUT /v3/inventory/adjustments/absolute answered without a transaction id');
  return { transactionId: res.data.transaction_id };
}
