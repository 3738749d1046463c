import type { BcSandboxData, V3Product, V3Variant } from './state';

/** Lookups over the sandbox catalog shared by orders, inventory and catalog routes. */

export const findProduct = (data: BcSandboxData, id: number): V3Product | undefined => data.products[String(id)];

export const findVariant = (data: BcSandboxData, id: number): V3Variant | undefined => data.variants[String(id)];

export const variantsOf = (data: BcSandboxData, productId: number): V3Variant[] =>
  Object.values(data.variants)
    .filter((v) => v.product_id === productId)
    .sort((a, b) => a.id - b.id);

export const findVariantBySku = (data: BcSandboxData, sku: string): V3Variant | undefined => Object.values(data.variants).find((v) => v.sku === sku);

/** A variant's selling price: its own, else the product's. */
export const variantPrice = (data: BcSandboxData, v: V3Variant): number => v.price ?? findProduct(data, v.product_id)?.price ?? 0;

/** "Size: M" for a variant with options, null for a base variant. */
export const optionLabel = (v: V3Variant): string | null =>
  v.option_values.length ? v.option_values.map((o) => `${o.option_display_name}: ${o.label}`).join(', ') : null;
