import { findProduct, findVariant, findVariantBySkuAnyCase, isBaseVariant, variantsOf } from './catalog';
import { availableToSell, getLevel, productStockVariantId, stockLevelOf } from './inventory';
import type { BcSandboxData, V3Location, V3Variant } from './state';

/**
 * Inventory items (inventory.v3.yml): "All product variants whose inventories are tracked by variant
 * are inventory items ... If a product has no variants, use product_id." An item is named by exactly
 * one of sku, variant_id or product_id, and naming it at the wrong level is refused with
 * "Item with variant_id N is tracked by product, please update stock by product id".
 */

export interface ItemIdentity {
  sku?: string;
  variant_id?: number;
  product_id?: number;
}

/** The variant that holds the item's stock, or why the identity names no item. */
export type Resolution = { ok: true; variantId: number; productId: number } | { ok: false; problem: string };

const byProduct = (productId: number, variantId: number): Resolution => ({ ok: true, variantId, productId });

export function resolveItem(data: BcSandboxData, identity: ItemIdentity): Resolution {
  if (identity.product_id !== undefined) {
    const product = findProduct(data, identity.product_id);
    if (!product) return { ok: false, problem: `Item with product_id ${identity.product_id} does not exist` };
    const holder = productStockVariantId(data, product);
    if (stockLevelOf(product) === 'variant' || holder === undefined) {
      return { ok: false, problem: `Item with product_id ${product.id} is tracked by variant, please update stock by variant id` };
    }
    return byProduct(product.id, holder);
  }
  let variant: V3Variant | undefined;
  let label: string;
  if (identity.variant_id !== undefined) {
    variant = findVariant(data, identity.variant_id);
    label = `variant_id ${identity.variant_id}`;
  } else {
    variant = findVariantBySkuAnyCase(data, identity.sku ?? '');
    label = `sku ${identity.sku}`;
  }
  if (!variant) return { ok: false, problem: `Item with ${label} does not exist` };
  const product = findProduct(data, variant.product_id)!;
  if (stockLevelOf(product) === 'product') {
    // A simple product's SKU is its base variant's: by SKU the product is named, by variant id it is not.
    if (identity.sku !== undefined && isBaseVariant(variant)) return byProduct(product.id, variant.id);
    return { ok: false, problem: `Item with ${label} is tracked by product, please update stock by product id` };
  }
  return byProduct(product.id, variant.id);
}

/** Every inventory item of the store, in product order: one per product kept by product, else one per variant. */
export function inventoryItems(data: BcSandboxData): Array<{ variant: V3Variant; productLevel: boolean }> {
  return Object.values(data.products)
    .sort((a, b) => a.id - b.id)
    .flatMap((product): Array<{ variant: V3Variant; productLevel: boolean }> => {
      if (stockLevelOf(product) === 'product') {
        const holder = productStockVariantId(data, product);
        const variant = holder !== undefined ? findVariant(data, holder) : undefined;
        return variant ? [{ variant, productLevel: true }] : [];
      }
      return variantsOf(data, product.id).map((variant) => ({ variant, productLevel: false }));
    });
}

const settingsOf = (data: BcSandboxData, locationId: number, variantId: number) => {
  const level = getLevel(data, locationId, variantId);
  return { safety_stock: level.safetyStock, is_in_stock: level.isInStock, warning_level: level.warningLevel, bin_picking_number: level.binPickingNumber };
};

/** inventory.v3.yml ItemResponse: the item and its stock at each of `locations`. */
export function serializeItem(data: BcSandboxData, variant: V3Variant, locations: V3Location[]) {
  return {
    identity: { sku: variant.sku, variant_id: variant.id, product_id: variant.product_id, sku_id: variant.sku_id },
    locations: locations.map((loc) => {
      const level = getLevel(data, loc.id, variant.id);
      return {
        location_id: loc.id,
        location_code: loc.code,
        location_name: loc.label,
        available_to_sell: availableToSell(level),
        total_inventory_onhand: level.onHand,
        location_enabled: loc.enabled,
        settings: settingsOf(data, loc.id, variant.id),
      };
    }),
  };
}

/** inventory.v3.yml LocationItemsResponse: the item at one location. */
export function serializeLocationItem(data: BcSandboxData, variant: V3Variant, location: V3Location) {
  const level = getLevel(data, location.id, variant.id);
  return {
    identity: { sku: variant.sku, variant_id: variant.id, product_id: variant.product_id },
    available_to_sell: availableToSell(level),
    total_inventory_onhand: level.onHand,
    settings: settingsOf(data, location.id, variant.id),
  };
}
