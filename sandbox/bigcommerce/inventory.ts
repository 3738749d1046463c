import { findProduct, findVariant, variantsOf } from './catalog';
import type { SandboxContext } from './context';
import type { BcSandboxData, InventoryLevel } from './state';

/**
 * Stock per (location, variant). Products tracked "by product" keep their stock on their base
 * variant, as BigCommerce does; the webhook scope then says product, not sku. Every change fires
 * the events BigCommerce fires for it (FACTS.md section 11).
 */

export const levelKey = (locationId: number, variantId: number) => `${locationId}:${variantId}`;

export function getLevel(data: BcSandboxData, locationId: number, variantId: number): InventoryLevel {
  return data.inventory[levelKey(locationId, variantId)] ?? { onHand: 0, safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };
}

export const variantStock = (data: BcSandboxData, variantId: number): number =>
  Object.values(data.locations).reduce((sum, loc) => sum + getLevel(data, loc.id, variantId).onHand, 0);

export const productStock = (data: BcSandboxData, productId: number): number => variantsOf(data, productId).reduce((sum, v) => sum + variantStock(data, v.id), 0);

export interface StockChange {
  locationId: number;
  variantId: number;
  /** The new on-hand level (absolute) or the delta (relative). */
  value: number;
}

export type Method = 'absolute' | 'relative';

/** Why an item of a relative adjustment cannot be applied, or undefined when it can. */
export function relativeProblem(data: BcSandboxData, change: StockChange): string | undefined {
  const level = getLevel(data, change.locationId, change.variantId);
  if (level.onHand + change.value < level.safetyStock) {
    return `Insufficient stock for variant ${change.variantId} at location ${change.locationId}: ${level.onHand} on hand, safety stock ${level.safetyStock}, adjustment ${change.value}`;
  }
  return undefined;
}

/**
 * Applies stock changes now and fires their events. `cause` "order" fires the
 * `.../inventory/order/updated` scopes, as an order placement does.
 */
export function applyStockChanges(ctx: SandboxContext, changes: StockChange[], method: Method, cause: 'adjustment' | 'order' = 'adjustment'): void {
  for (const change of changes) {
    const key = levelKey(change.locationId, change.variantId);
    const level = { ...getLevel(ctx.data, change.locationId, change.variantId) };
    const before = level.onHand;
    level.onHand = method === 'absolute' ? change.value : level.onHand + change.value;
    level.isInStock = level.onHand > 0;
    ctx.data.inventory[key] = level;
    if (level.onHand === before) continue;
    emitStockEvents(ctx, change.locationId, change.variantId, method, method === 'absolute' ? change.value : change.value, cause);
  }
  ctx.changed();
}

function emitStockEvents(ctx: SandboxContext, locationId: number, variantId: number, method: Method, value: number, cause: 'adjustment' | 'order') {
  const variant = findVariant(ctx.data, variantId);
  const product = variant && findProduct(ctx.data, variant.product_id);
  if (!variant || !product) return;
  const suffix = cause === 'order' ? 'inventory/order/updated' : 'inventory/updated';
  if (product.inventory_tracking === 'variant') {
    ctx.emit(`store/sku/${suffix}`, { type: 'sku', id: variant.id, inventory: { product_id: product.id, method, value, variant_id: variant.id } });
  } else if (product.inventory_tracking === 'product') {
    ctx.emit(`store/product/${suffix}`, { type: 'product', id: product.id, inventory: { product_id: product.id, method, value } });
  }
  // Location-aware event; no type/id, just the three ids (events/inventory-location.mdx).
  ctx.emit('store/channel/1/inventory/product/stock_changed', { variant_id: variant.id, product_id: product.id, location_id: locationId });
}
