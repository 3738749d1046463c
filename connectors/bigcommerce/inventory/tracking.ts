import { z } from 'zod';
import type { ItemRef } from '../../../domain/inventory-batches';
import type { BigCommerceClient } from '../client';
import { paginateV3 } from '../pagination';

/**
 * Which identity a SKU's stock is written with. BigCommerce keeps stock per product
 * (`inventory_tracking: "product"`) or per variant (`"variant"`), and refuses a write at the wrong
 * level with 422. Looked up once per SKU and cached by the caller (inventorySync keeps it in its
 * state): two reads per 250 SKUs.
 */
export type SkuTracking = { sku: string; ref: ItemRef; onHand?: Record<number, number> } | { sku: string; ref: null; why: 'not-tracked' | 'not-found' };

// --- BigCommerce's shapes (inventory.v3.yml items; products_catalog.v3.yml) ---
const inventoryItem = z.object({
  identity: z.object({ sku: z.string(), variant_id: z.number().int(), product_id: z.number().int() }),
  // What the store shows now, per location: the same read tells us, for free, which items need no write.
  locations: z.array(z.object({ location_id: z.number().int(), total_inventory_onhand: z.number().int() }).loose()).optional(),
});
const productTracking = z.object({ id: z.number().int(), inventory_tracking: z.enum(['none', 'product', 'variant']) });

const CHUNK = 250;

/**
 * 1. `GET /v3/inventory/items?sku:in=` names each SKU's inventory item (a product kept by product
 *    shows once, under its own SKU; a variant kept by variant under the variant's SKU).
 *    https://developer.bigcommerce.com/docs/rest-management/inventory/items#get-inventory-at-locations
 * 2. `GET /v3/catalog/products?id:in=&include_fields=inventory_tracking` says how each is tracked.
 *    https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
 * A SKU that is no inventory item (a variant SKU of a product kept by product) is `not-found`:
 * its level cannot be written per variant, and the ERP's per-variant level has no place to go.
 */
export async function lookupTracking(client: BigCommerceClient, skus: readonly string[], opts: { signal?: AbortSignal; priority?: number } = {}): Promise<{ items: SkuTracking[]; calls: number }> {
  let calls = 0;
  const found = new Map<string, { variantId: number; productId: number; onHand?: Record<number, number> }>();
  for (let i = 0; i < skus.length; i += CHUNK) {
    const chunk = skus.slice(i, i + CHUNK);
    for await (const page of paginateV3(client, { path: '/v3/inventory/items', route: '/v3/inventory/items', query: { 'sku:in': chunk.join(',') }, signal: opts.signal, priority: opts.priority }, inventoryItem, { limit: CHUNK })) {
      calls++;
      for (const it of page) {
        const onHand = it.locations ? Object.fromEntries(it.locations.map((l) => [l.location_id, l.total_inventory_onhand])) : undefined;
        found.set(it.identity.sku.toLowerCase(), { variantId: it.identity.variant_id, productId: it.identity.product_id, ...(onHand ? { onHand } : {}) });
      }
    }
  }
  const productIds = [...new Set([...found.values()].map((f) => f.productId))];
  const tracking = new Map<number, 'none' | 'product' | 'variant'>();
  for (let i = 0; i < productIds.length; i += CHUNK) {
    const chunk = productIds.slice(i, i + CHUNK);
    const query = { 'id:in': chunk.join(','), include_fields: 'inventory_tracking' };
    for await (const page of paginateV3(client, { path: '/v3/catalog/products', route: '/v3/catalog/products', query, signal: opts.signal, priority: opts.priority }, productTracking, { limit: CHUNK })) {
      calls++;
      for (const p of page) tracking.set(p.id, p.inventory_tracking);
    }
  }
  const items = skus.map((sku): SkuTracking => {
    const item = found.get(sku.toLowerCase());
    if (!item) return { sku, ref: null, why: 'not-found' };
    const mode = tracking.get(item.productId);
    const shown = item.onHand ? { onHand: item.onHand } : {};
    if (mode === 'product') return { sku, ref: { productId: item.productId }, ...shown };
    if (mode === 'variant') return { sku, ref: { variantId: item.variantId }, ...shown };
    return { sku, ref: null, why: 'not-tracked' };
  });
  return { items, calls };
}
