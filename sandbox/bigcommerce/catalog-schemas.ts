import { z } from 'zod';

/**
 * Request bodies of Catalog V3, with the limits the specs give (products_catalog.v3.yml
 * product_Base_POST / product_Base_PUT, product-variants_catalog.v3.yml productVariant_Post /
 * Variant Put). Unknown and read-only fields (`id` outside batches, `date_created`,
 * `date_modified`, `calculated_price`, `base_variant_id`) are dropped, never stored.
 */

const money = z.number().min(0);
const dimension = z.number().min(0).max(9_999_999_999);
const int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647);

const customField = z.object({ id: z.number().int().min(1).optional(), name: z.string().min(1).max(250), value: z.string().min(1).max(250) });
const bulkPricingRule = z.object({
  id: z.number().int().optional(),
  quantity_min: z.number().int().min(0),
  quantity_max: z.number().int().min(0),
  type: z.enum(['price', 'percent', 'fixed']),
  // "Divide the adjustment percentage by 100 and send the result in string format" (bulkPricingRule_Full.amount).
  amount: z.union([z.number(), z.string().regex(/^-?\d*\.?\d+$/)]),
});
const image = z.object({
  id: z.number().int().optional(),
  image_url: z.string().min(1).max(255),
  is_thumbnail: z.boolean().optional(),
  sort_order: int32.optional(),
  description: z.string().optional(),
});

/** An option value on a new variant: either ids of existing options, or a display name and label. */
export const optionValueInput = z
  .object({
    id: z.number().int().optional(),
    option_id: z.number().int().optional(),
    option_display_name: z.string().min(1).max(255).optional(),
    label: z.string().min(1).max(255).optional(),
  })
  .refine((o) => (o.id !== undefined && o.option_id !== undefined) || (o.option_display_name !== undefined && o.label !== undefined), {
    message: 'needs id and option_id, or option_display_name and label',
  });
export type OptionValueInput = z.infer<typeof optionValueInput>;

/** Option Value Post (product-variant-options_catalog.v3.yml): label and sort_order required. */
export const optionValueCreate = z.object({
  label: z.string().min(1).max(255),
  sort_order: int32,
  is_default: z.boolean().optional(),
  value_data: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type OptionValueCreate = z.infer<typeof optionValueCreate>;

/** Option Post: display_name, type and option_values required (the variant option types only). */
export const optionCreate = z.object({
  product_id: z.number().int().optional(),
  display_name: z.string().min(1).max(255),
  type: z.enum(['radio_buttons', 'rectangles', 'dropdown', 'product_list', 'product_list_with_images', 'swatch']),
  sort_order: z.number().int().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  image_url: z.string().optional(),
  option_values: z.array(optionValueCreate).min(1),
});
export type OptionCreate = z.infer<typeof optionCreate>;

const variantFields = {
  cost_price: money.nullable(),
  price: money.nullable(),
  sale_price: money.nullable(),
  retail_price: money.nullable(),
  map_price: z.number().nullable(),
  weight: z.number().min(0).nullable(),
  width: z.number().min(0).nullable(),
  height: z.number().min(0).nullable(),
  depth: z.number().min(0).nullable(),
  is_free_shipping: z.boolean(),
  fixed_cost_shipping_price: money.nullable(),
  purchasing_disabled: z.boolean(),
  purchasing_disabled_message: z.string().max(255),
  image_url: z.string(),
  upc: z.string().max(14).nullable(),
  // The catalog clamps stock at the maximum rather than rejecting it (inventory-adjustments.mdx "Limit handling").
  inventory_level: z.number().int().min(0).nullable(),
  inventory_warning_level: z.number().int().min(0).max(2_147_483_647).nullable(),
  bin_picking_number: z.string().max(255).nullable(),
  mpn: z.string().nullable(),
  gtin: z.string().max(14).nullable(),
};

export const variantWrite = z.object({ ...variantFields, sku: z.string().min(1).max(255) }).partial();
export type VariantWrite = z.infer<typeof variantWrite>;

/** POST /products/{id}/variants, and `variants[]` of a product POST: sku and option_values required. */
export const variantCreate = variantWrite.extend({ sku: z.string().min(1).max(255), option_values: z.array(optionValueInput).min(1) });
export type VariantCreate = z.infer<typeof variantCreate>;

/** An item of PUT /catalog/variants: `id` updates; `product_id` + `sku` + `option_values` creates. */
export const variantBatchItem = variantWrite.extend({
  id: z.number().int().optional(),
  product_id: z.number().int().optional(),
  option_values: z.array(optionValueInput).min(1).optional(),
});
export type VariantBatchItem = z.infer<typeof variantBatchItem>;

const productFields = {
  name: z.string().min(1).max(250),
  type: z.enum(['physical', 'digital']),
  sku: z.string().max(255),
  description: z.string(),
  weight: dimension,
  width: dimension,
  depth: dimension,
  height: dimension,
  price: money,
  cost_price: money,
  retail_price: money,
  sale_price: money,
  map_price: z.number(),
  tax_class_id: z.number().int().min(0).max(255),
  product_tax_code: z.string().max(255),
  categories: z.array(z.number().int()).max(1000),
  brand_id: z.number().int().min(0).max(1_000_000_000),
  inventory_level: z.number().int().min(0),
  inventory_warning_level: z.number().int().min(0).max(2_147_483_647),
  inventory_tracking: z.enum(['none', 'product', 'variant']),
  fixed_cost_shipping_price: money,
  is_free_shipping: z.boolean(),
  is_visible: z.boolean(),
  is_featured: z.boolean(),
  related_products: z.array(z.number().int()),
  warranty: z.string().max(65_535),
  bin_picking_number: z.string().max(255),
  layout_file: z.string().max(500),
  upc: z.string().max(14),
  search_keywords: z.string().max(65_535),
  availability_description: z.string().max(255),
  availability: z.enum(['available', 'disabled', 'preorder']),
  gift_wrapping_options_type: z.enum(['any', 'none', 'list']),
  gift_wrapping_options_list: z.array(z.number().int()),
  sort_order: int32,
  condition: z.enum(['New', 'Used', 'Refurbished']),
  is_condition_shown: z.boolean(),
  order_quantity_minimum: z.number().int().min(0).max(1_000_000_000),
  order_quantity_maximum: z.number().int().min(0).max(1_000_000_000),
  page_title: z.string().max(255),
  meta_keywords: z.array(z.string()),
  meta_description: z.string().max(65_535),
  view_count: z.number().int().min(0).max(1_000_000_000),
  preorder_release_date: z.iso.datetime({ offset: true }).nullable(),
  preorder_message: z.string().max(255),
  is_preorder_only: z.boolean(),
  is_price_hidden: z.boolean(),
  price_hidden_label: z.string().max(200),
  custom_url: z.object({ url: z.string().min(1).max(255), is_customized: z.boolean(), create_redirect: z.boolean().optional() }),
  open_graph_type: z.enum(['product', 'album', 'book', 'drink', 'food', 'game', 'movie', 'song', 'tv_show']),
  open_graph_title: z.string(),
  open_graph_description: z.string(),
  open_graph_use_meta_description: z.boolean(),
  open_graph_use_product_name: z.boolean(),
  open_graph_use_image: z.boolean(),
  gtin: z.string().max(14),
  mpn: z.string(),
  date_last_imported: z.string(),
  reviews_rating_sum: z.number().int().min(0),
  reviews_count: z.number().int().min(0),
  total_sold: z.number().int().min(0),
  custom_fields: z.array(customField).max(200),
  bulk_pricing_rules: z.array(bulkPricingRule),
  images: z.array(image).max(1000),
};

/** product_Base_PUT: every field optional. */
export const productUpdate = z.object(productFields).partial();
export type ProductUpdate = z.infer<typeof productUpdate>;

/** product_Base_POST: name, type, weight and price required; variants may be created inline. */
export const productCreate = productUpdate.extend({
  name: productFields.name,
  type: productFields.type,
  weight: productFields.weight,
  price: productFields.price,
  variants: z.array(variantCreate).max(600).optional(),
});
export type ProductCreate = z.infer<typeof productCreate>;

/** product_Put_Collection: `id` required on every item. */
export const productBatchItem = productUpdate.extend({ id: z.number().int().min(1) });
