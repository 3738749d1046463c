import { findProduct, findVariant, isBaseVariant, variantsOf } from './catalog';
import type { SandboxContext } from './context';
import { recordStockChange, type Method } from './inventory-record';
import type { BcSandboxData, InventoryLevel, V3Product } from './state';

/**
 * Stock per (location, variant). Products tracked "by product" keep their stock on their base
 * variant, as BigCommerce does; the webhook scope then says product, not sku. Every change fires
 * the events BigCommerce fires for it (FACTS.md section 11).
 */

/** Location 1 is the store's default location (locations.v3.yml); catalog stock writes land there. */
export const DEFAULT_LOCATION_ID = 1;

/** "2,147,483,647 per location" (docs/store-operations/catalog/inventory-adjustments.mdx). */
export const MAX_STOCK = 2_147_483_647;

export const levelKey = (locationId: number, variantId: number) => `${locationId}:${variantId}`;

const EMPTY_LEVEL: InventoryLevel = { onHand: 0, safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };

export function getLevel(data: BcSandboxData, locationId: number, variantId: number): InventoryLevel {
  return data.inventory[levelKey(locationId, variantId)] ?? { ...EMPTY_LEVEL };
}

/**
 * "When you create a product, the inventory at each location is undefined under the hood ... You
 * must make an absolute adjustment ... before you can make a relative adjustment" (inventory-adjustments.mdx).
 */
export const hasLevel = (data: BcSandboxData, locationId: number, variantId: number): boolean => levelKey(locationId, variantId) in data.inventory;

export const variantStock = (data: BcSandboxData, variantId: number): number =>
  Object.values(data.locations).reduce((sum, loc) => sum + getLevel(data, loc.id, variantId).onHand, 0);

export const productStock = (data: BcSandboxData, productId: number): number => variantsOf(data, productId).reduce((sum, v) => sum + variantStock(data, v.id), 0);

/** What a location can sell: on hand minus the safety stock, never below zero. */
export const availableToSell = (level: InventoryLevel): number => Math.max(0, level.onHand - level.safetyStock);

/**
 * Whether stock is kept (and must be written) per product or per variant. Products with options
 * keep it per variant; a product without options keeps it on its base variant unless it is
 * explicitly tracked by variant.
 */
export function stockLevelOf(product: V3Product): 'product' | 'variant' {
  if (product.inventory_tracking === 'variant') return 'variant';
  if (product.inventory_tracking === 'product') return 'product';
  return product.base_variant_id !== null ? 'product' : 'variant';
}

/** The variant that holds a product's stock when it is kept per product. */
export function productStockVariantId(data: BcSandboxData, product: V3Product): number | undefined {
  if (product.base_variant_id !== null) return product.base_variant_id;
  return variantsOf(data, product.id).find(isBaseVariant)?.id;
}

export interface StockChange {
  locationId: number;
  variantId: number;
  /** The new on-hand level (absolute) or the delta (relative). */
  value: number;
}

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
    const existed = key in ctx.data.inventory;
    level.onHand = method === 'absolute' ? change.value : level.onHand + change.value;
    ctx.data.inventory[key] = level;
    recordStockChange(ctx, { locationId: change.locationId, variantId: change.variantId, method, cause, value: change.value, before, after: level.onHand });
    // An absolute write to an item that had no level yet creates it, even at the same (zero) value.
    if (level.onHand === before && existed) continue;
    emitStockEvents(ctx, change.locationId, change.variantId, method, change.value, cause);
  }
  ctx.changed();
}

/** Settings of one item at one location changed: `settings_changed` (events/inventory-location.mdx). */
export function applySettings(ctx: SandboxContext, locationId: number, variantId: number, settings: Partial<InventoryLevel>): void {
  const key = levelKey(locationId, variantId);
  ctx.data.inventory[key] = { ...getLevel(ctx.data, locationId, variantId), ...settings };
  const variant = findVariant(ctx.data, variantId);
  if (variant) ctx.emit('store/channel/1/inventory/product/settings_changed', { variant_id: variant.id, product_id: variant.product_id, location_id: locationId });
  ctx.changed();
}

function emitStockEvents(ctx: SandboxContext, locationId: number, variantId: number, method: Method, value: number, cause: 'adjustment' | 'order') {
  const variant = findVariant(ctx.data, variantId);
  const product = variant && findProduct(ctx.data, variant.product_id);
  if (!variant || !product) return;
  const suffix = cause === 'order' ? 'inventory/order/updated' : 'inventory/updated';
  if (product.inventory_tracking === 'variant') {
    // `id` is the SKU id, not the variant id (events/index.mdx example: id 461, variant_id 509).
    ctx.emit(`store/sku/${suffix}`, { type: 'sku', id: variant.sku_id ?? variant.id, inventory: { product_id: product.id, method, value, variant_id: variant.id } });
  } else if (product.inventory_tracking === 'product') {
    ctx.emit(`store/product/${suffix}`, { type: 'product', id: product.id, inventory: { product_id: product.id, method, value } });
  }
  // Location-aware event; no type/id, just the three ids (events/inventory-location.mdx).
  ctx.emit('store/channel/1/inventory/product/stock_changed', { variant_id: variant.id, product_id: product.id, location_id: locationId });
}

/**
 * Stock written through the Catalog API: "Catalog endpoints ... now themselves use the Inventory
 * API under the hood", at the default location, clamped at the maximum where the Inventory API would
 * reject (inventory-adjustments.mdx "Limit handling"). Applied at once, unlike adjustments.
 */
export function setDefaultLocationStock(ctx: SandboxContext, variantId: number, level: number): void {
  applyStockChanges(ctx, [{ locationId: DEFAULT_LOCATION_ID, variantId, value: Math.min(level, MAX_STOCK) }], 'absolute');
}
