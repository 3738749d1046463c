import type { V3Location, V3OptionValue, V3Product, V3Variant } from './state';

/**
 * What BigCommerce fills in when a product, variant or location is created with only the required
 * fields: the values a real store returns for them (products_catalog.v3.yml example for product 174).
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** BigCommerce builds the storefront URL from the name: "Ridge Rain Jacket" -> "/ridge-rain-jacket/". */
export const customUrlFor = (name: string): string =>
  `/${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}/`;

export type ProductCore = Pick<V3Product, 'id' | 'name' | 'sku' | 'price' | 'weight' | 'type' | 'inventory_tracking'>;

export function productDefaults(p: ProductCore, nowMs: number): V3Product {
  return {
    description: '',
    width: 0,
    depth: 0,
    height: 0,
    cost_price: 0,
    retail_price: 0,
    sale_price: 0,
    map_price: 0,
    tax_class_id: 0,
    product_tax_code: '',
    categories: [],
    brand_id: 0,
    // Products made through V3 belong to no (legacy V2) option set: BigCommerce answers null.
    option_set_id: null,
    option_set_display: 'right',
    inventory_warning_level: 0,
    reviews_rating_sum: 0,
    reviews_count: 0,
    total_sold: 0,
    fixed_cost_shipping_price: 0,
    is_free_shipping: false,
    is_visible: true,
    is_featured: false,
    related_products: [-1],
    warranty: '',
    bin_picking_number: '',
    layout_file: 'product.html',
    upc: '',
    mpn: '',
    gtin: '',
    search_keywords: '',
    availability: 'available',
    availability_description: '',
    gift_wrapping_options_type: 'any',
    gift_wrapping_options_list: [],
    sort_order: 0,
    condition: 'New',
    is_condition_shown: false,
    order_quantity_minimum: 0,
    order_quantity_maximum: 0,
    page_title: '',
    meta_keywords: [],
    meta_description: '',
    view_count: 0,
    preorder_release_date: null,
    preorder_message: '',
    is_preorder_only: false,
    is_price_hidden: false,
    price_hidden_label: '',
    custom_url: { url: customUrlFor(p.name), is_customized: false },
    open_graph_use_meta_description: true,
    open_graph_use_product_name: true,
    open_graph_use_image: true,
    open_graph_type: 'product',
    open_graph_title: '',
    open_graph_description: '',
    custom_fields: [],
    images: [],
    bulk_pricing_rules: [],
    date_created: iso(nowMs),
    date_modified: iso(nowMs),
    base_variant_id: null,
    ...p,
  };
}

export type VariantCore = Pick<V3Variant, 'id' | 'product_id' | 'sku' | 'price'> & { option_values: V3OptionValue[] };

/** Variant fields left null inherit the product's value (product-variants_catalog.v3.yml productVariant_Base). */
export function variantDefaults(v: VariantCore): V3Variant {
  return {
    // A base variant has no V2 SKU: sku_id is null (inventory.v3.yml ItemResponse.identity.sku_id).
    sku_id: v.option_values.length ? v.id : null,
    cost_price: 0,
    sale_price: null,
    retail_price: null,
    map_price: null,
    weight: null,
    width: null,
    height: null,
    depth: null,
    is_free_shipping: false,
    fixed_cost_shipping_price: null,
    purchasing_disabled: false,
    purchasing_disabled_message: '',
    image_url: '',
    upc: '',
    mpn: '',
    gtin: '',
    inventory_warning_level: 0,
    bin_picking_number: '',
    ...v,
  };
}

const closedDay = { open: false, opening: '00:00', closing: '00:00' };

/** A location with every day listed, as BigCommerce returns `operating_hours`. */
export function locationDefaults(l: Pick<V3Location, 'id' | 'code' | 'label'> & Partial<V3Location>, nowMs: number): V3Location {
  const { id, code, label, ...rest } = l;
  return {
    id,
    code,
    label,
    description: '',
    managed_by_external_source: false,
    type_id: 'PHYSICAL',
    enabled: true,
    operating_hours: { sunday: closedDay, monday: closedDay, tuesday: closedDay, wednesday: closedDay, thursday: closedDay, friday: closedDay, saturday: closedDay },
    time_zone: 'Etc/UTC',
    storefront_visibility: true,
    special_hours: [],
    created_at: iso(nowMs),
    updated_at: iso(nowMs),
    ...rest,
  };
}
