import { findProduct, variantsOf } from './catalog';
import { productOptions } from './catalog-options';
import { productStock, variantStock } from './inventory';
import type { BcSandboxData, V3Product, V3ProductImage, V3Variant } from './state';
import { projectFields, type Query } from './v3-query';

/**
 * Products and variants as Catalog V3 returns them. The read-only fields are computed on every read,
 * never stored: `calculated_price`, `inventory_level` ("the total inventory the merchant has available
 * to sell", docs/store-operations/catalog/inventory-adjustments.mdx: here the sum over locations and
 * variants), `calculated_weight`.
 */

/** "Equal to the sale price if set or the default price if there is not a sale price" (product_Full.calculated_price). */
export const productCalculatedPrice = (p: V3Product): number => (p.sale_price > 0 ? p.sale_price : p.price);

export function variantCalculatedPrice(product: V3Product, v: V3Variant): number {
  const price = v.price ?? product.price;
  const sale = v.sale_price ?? (product.sale_price > 0 ? product.sale_price : null);
  return sale !== null && sale > 0 ? sale : price;
}

export function serializeVariant(data: BcSandboxData, v: V3Variant): V3Variant & { inventory_level: number; calculated_price: number; calculated_weight: number } {
  const product = findProduct(data, v.product_id)!;
  // Identity first, for people reading responses; the stored order is the defaults'.
  const { id, product_id, sku, sku_id, ...rest } = v;
  return {
    id,
    product_id,
    sku,
    sku_id,
    ...rest,
    calculated_price: variantCalculatedPrice(product, v),
    calculated_weight: v.weight ?? product.weight,
    inventory_level: variantStock(data, v.id),
  };
}

const serializeImage = (image: V3ProductImage) => ({
  ...image,
  image_file: '',
  url_zoom: image.image_url,
  url_standard: image.image_url,
  url_thumbnail: image.image_url,
  url_tiny: image.image_url,
});

/** Sub-resources a product carries only when asked with `include=` (products_catalog.v3.yml IncludeParamBase). */
export const PRODUCT_INCLUDES = [
  'bulk_pricing_rules',
  'channels',
  'custom_fields',
  'images',
  'modifiers',
  'options',
  'parent_relations',
  'primary_image',
  'reviews',
  'variants',
  'videos',
] as const;
export type ProductInclude = (typeof PRODUCT_INCLUDES)[number];

const SUB_RESOURCE_KEYS = new Set<string>(['custom_fields', 'images', 'bulk_pricing_rules']);

/** "Always included in the response body; not applicable for the include_fields and exclude_fields query parameters." */
const ALWAYS_RETURNED = ['gift_wrapping_options_type', 'gift_wrapping_options_list'];

export function serializeProduct(data: BcSandboxData, p: V3Product, include: ReadonlySet<string>, query: Query = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    type: p.type,
    sku: p.sku,
    ...Object.fromEntries(Object.entries(p).filter(([key]) => !SUB_RESOURCE_KEYS.has(key))),
  };
  base.calculated_price = productCalculatedPrice(p);
  base.inventory_level = productStock(data, p.id);
  const out: Record<string, unknown> = projectFields(base, query, ALWAYS_RETURNED);
  if (include.has('variants')) out.variants = variantsOf(data, p.id).map((v) => serializeVariant(data, v));
  if (include.has('images')) out.images = p.images.map(serializeImage);
  if (include.has('primary_image')) {
    const primary = p.images.find((i) => i.is_thumbnail) ?? [...p.images].sort((a, b) => a.sort_order - b.sort_order)[0];
    // Left out when the product has no image: the spec gives primary_image no null.
    if (primary) out.primary_image = serializeImage(primary);
  }
  if (include.has('custom_fields')) out.custom_fields = p.custom_fields;
  if (include.has('bulk_pricing_rules')) out.bulk_pricing_rules = p.bulk_pricing_rules;
  if (include.has('options')) out.options = productOptions(data, p.id);
  if (include.has('modifiers')) out.modifiers = [];
  if (include.has('videos')) out.videos = [];
  if (include.has('reviews')) out.reviews = [];
  if (include.has('parent_relations')) out.parent_relations = [];
  // The sandbox store has one channel: every product is assigned to it.
  if (include.has('channels')) out.channels = [1];
  return out;
}
