import type { BcSandboxData, V3Product, V3Variant } from './state';
import { v3NotFound } from './v3-errors';

/** Lookups over the sandbox catalog shared by orders, inventory and catalog routes. */

export const findProduct = (data: BcSandboxData, id: number): V3Product | undefined => data.products[String(id)];

/** The product a path's `:id` names, or a 404 (thrown for the route's `v3Route` to answer). */
export function productOfPath(data: BcSandboxData, id: string): V3Product {
  const product = /^\d+$/.test(id) ? findProduct(data, Number(id)) : undefined;
  if (!product) throw v3NotFound();
  return product;
}

export const findVariant = (data: BcSandboxData, id: number): V3Variant | undefined => data.variants[String(id)];

export const variantsOf = (data: BcSandboxData, productId: number): V3Variant[] =>
  Object.values(data.variants)
    .filter((v) => v.product_id === productId)
    .sort((a, b) => a.id - b.id);

export const findVariantBySku = (data: BcSandboxData, sku: string): V3Variant | undefined => Object.values(data.variants).find((v) => v.sku === sku);

/** A variant's selling price: its own, else the product's. */
export const variantPrice = (data: BcSandboxData, v: V3Variant): number => v.price ?? findProduct(data, v.product_id)?.price ?? 0;

/** "Size: M" for a variant with options, null for a base variant. */
export const optionLabel = (v: V3Variant): string | null => (v.option_values.length ? v.option_values.map((o) => `${o.option_display_name}: ${o.label}`).join(', ') : null);

/** A variant without option values stands for a product that has no options (its base variant). */
export const isBaseVariant = (v: V3Variant): boolean => v.option_values.length === 0;

/** "The SKU is always unique regardless of the letter case for both products and variants" (product-variants_catalog.v3.yml). */
const sameSku = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The variant with this SKU, whatever its letter case. */
export const findVariantBySkuAnyCase = (data: BcSandboxData, sku: string): V3Variant | undefined => Object.values(data.variants).find((v) => sameSku(v.sku, sku));

/**
 * Who already uses `sku`, ignoring `except` (the product being updated and its base variant, which
 * share the product's SKU). Empty SKUs are not unique: products may have none.
 */
export function skuOwner(data: BcSandboxData, sku: string, except: { productId?: number; variantId?: number } = {}): string | undefined {
  if (!sku.trim()) return undefined;
  const product = Object.values(data.products).find((p) => p.id !== except.productId && sameSku(p.sku, sku));
  if (product) return `product ${product.id}`;
  const variant = Object.values(data.variants).find((v) => v.id !== except.variantId && !(isBaseVariant(v) && v.product_id === except.productId) && sameSku(v.sku, sku));
  return variant ? `variant ${variant.id}` : undefined;
}

/** Product names are unique in a store (products_catalog.v3.yml 409), compared without letter case. */
export const productNamed = (data: BcSandboxData, name: string, exceptId?: number): V3Product | undefined =>
  Object.values(data.products).find((p) => p.id !== exceptId && p.name.trim().toLowerCase() === name.trim().toLowerCase());
