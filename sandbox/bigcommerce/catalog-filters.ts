import { productCalculatedPrice } from './catalog-serialize';
import { productStock } from './inventory';
import type { BcSandboxData, V3Product, V3Variant } from './state';
import { V3Failure } from './v3-errors';
import { bool, csv, csvInts, date, int, num, oneOf, param, withinRange, type Query } from './v3-query';

/** The filters and sorting of GET /v3/catalog/products and GET /v3/catalog/variants (FACTS.md section 8). */

type Predicate = (p: V3Product) => boolean;

const lower = (s: string) => s.trim().toLowerCase();
const sameDay = (ms: number, iso: string) => new Date(iso).toISOString().slice(0, 10) === new Date(ms).toISOString().slice(0, 10);

export const PRODUCT_SORTS = ['id', 'name', 'sku', 'price', 'date_modified', 'date_last_imported', 'inventory_level', 'is_visible', 'total_sold', 'calculated_price'] as const;

export function productFilters(data: BcSandboxData, query: Query, nowMs: number): Predicate[] {
  const tests: Predicate[] = [];
  const add = <T>(value: T | undefined, test: (p: V3Product, v: T) => boolean) => {
    if (value !== undefined) tests.push((p) => test(p, value));
  };
  const stock = (p: V3Product) => productStock(data, p.id);

  add(int(query, 'id'), (p, v) => p.id === v);
  add(csvInts(query, 'id:in'), (p, v) => v.includes(p.id));
  add(csvInts(query, 'id:not_in'), (p, v) => !v.includes(p.id));
  add(int(query, 'id:min'), (p, v) => p.id >= v);
  add(int(query, 'id:max'), (p, v) => p.id <= v);
  add(int(query, 'id:greater'), (p, v) => p.id > v);
  add(int(query, 'id:less'), (p, v) => p.id < v);
  add(param(query, 'name'), (p, v) => lower(p.name) === lower(v));
  // "Filter items by main SKU": the product's own SKU, not its variants' (products_catalog.v3.yml SkuParam).
  add(param(query, 'sku'), (p, v) => lower(p.sku) === lower(v));
  // A set, not a list scanned per product: a read of 250 SKUs in a 20,000-product store stays cheap.
  const skuIn = csv(query, 'sku:in');
  add(skuIn ? new Set(skuIn.map(lower)) : undefined, (p, v) => v.has(lower(p.sku)));
  add(param(query, 'mpn'), (p, v) => p.mpn === v);
  add(param(query, 'upc'), (p, v) => p.upc === v);
  add(num(query, 'price'), (p, v) => p.price === v);
  add(num(query, 'weight'), (p, v) => p.weight === v);
  add(oneOf(query, 'condition', ['new', 'used', 'refurbished'] as const), (p, v) => lower(String(p.condition)) === v);
  add(int(query, 'brand_id'), (p, v) => p.brand_id === v);
  add(oneOf(query, 'type', ['digital', 'physical'] as const), (p, v) => p.type === v);
  add(oneOf(query, 'availability', ['available', 'disabled', 'preorder'] as const), (p, v) => p.availability === v);
  add(bool(query, 'is_visible'), (p, v) => p.is_visible === v);
  add(bool(query, 'is_featured'), (p, v) => p.is_featured === v);
  add(bool(query, 'is_free_shipping'), (p, v) => p.is_free_shipping === v);
  add(int(query, 'total_sold'), (p, v) => p.total_sold === v);
  add(date(query, 'date_modified'), (p, v) => sameDay(v, p.date_modified));
  const modifiedMin = date(query, 'date_modified:min', { dateOnly: 'now', nowMs });
  const modifiedMax = date(query, 'date_modified:max', { dateOnly: 'now', nowMs });
  if (modifiedMin !== undefined || modifiedMax !== undefined) tests.push((p) => withinRange(Date.parse(p.date_modified), modifiedMin, modifiedMax));

  add(int(query, 'inventory_level'), (p, v) => stock(p) === v);
  add(csvInts(query, 'inventory_level:in'), (p, v) => v.includes(stock(p)));
  add(csvInts(query, 'inventory_level:not_in'), (p, v) => !v.includes(stock(p)));
  add(int(query, 'inventory_level:min'), (p, v) => stock(p) >= v);
  add(int(query, 'inventory_level:max'), (p, v) => stock(p) <= v);
  add(int(query, 'inventory_level:greater'), (p, v) => stock(p) > v);
  add(int(query, 'inventory_level:less'), (p, v) => stock(p) < v);
  add(bool(query, 'inventory_low'), (p, v) => (p.inventory_tracking !== 'none' && stock(p) <= p.inventory_warning_level) === v);
  add(bool(query, 'out_of_stock'), (p, v) => (p.inventory_tracking !== 'none' && stock(p) === 0) === v);

  // "If a product is in more than one category, using this query will not return the product" (CategoriesParam).
  add(int(query, 'categories'), (p, v) => p.categories.length === 1 && p.categories[0] === v);
  // "Returns a list of products that are in all the categories specified" (CategoriesInParam).
  add(csvInts(query, 'categories:in'), (p, v) => v.every((c) => p.categories.includes(c)));
  // The sandbox store has one channel (id 1) and every product is in it.
  add(csvInts(query, 'channel_id:in'), (_p, v) => v.includes(1));
  add(param(query, 'keyword'), (p, v) => [p.name, String(p.description ?? ''), p.sku].some((f) => lower(f).includes(lower(v))));
  return tests;
}

export function sortProducts(data: BcSandboxData, products: V3Product[], query: Query): V3Product[] {
  const sort = oneOf(query, 'sort', PRODUCT_SORTS) ?? 'id';
  const direction = oneOf(query, 'direction', ['asc', 'desc'] as const) ?? 'asc';
  const key = (p: V3Product): number | string => {
    switch (sort) {
      case 'inventory_level':
        return productStock(data, p.id);
      case 'calculated_price':
        return productCalculatedPrice(p);
      case 'is_visible':
        return p.is_visible ? 1 : 0;
      case 'name':
      case 'sku':
        return lower(p[sort]);
      case 'date_modified':
        return Date.parse(p.date_modified);
      case 'date_last_imported':
        return typeof p.date_last_imported === 'string' ? p.date_last_imported : '';
      default:
        return p[sort] as number;
    }
  };
  const sign = direction === 'desc' ? -1 : 1;
  return [...products].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -sign : ka > kb ? sign : a.id - b.id;
  });
}

/** GET /v3/catalog/variants: `id`, `sku`, `upc`, `product_id:in`. */
export function variantFilters(query: Query): Array<(v: V3Variant) => boolean> {
  const tests: Array<(v: V3Variant) => boolean> = [];
  const id = int(query, 'id');
  const sku = param(query, 'sku');
  const upc = param(query, 'upc');
  const productIds = csvInts(query, 'product_id:in');
  if (id !== undefined) tests.push((v) => v.id === id);
  if (sku !== undefined) tests.push((v) => lower(v.sku) === lower(sku));
  if (upc !== undefined) tests.push((v) => v.upc === upc);
  if (productIds !== undefined) tests.push((v) => productIds.includes(v.product_id));
  return tests;
}

/** DELETE /v3/catalog/products needs at least one filter: "This prevents inadvertently deleting all Product objects". */
export const DELETE_FILTERS = [
  'name',
  'sku',
  'price',
  'weight',
  'condition',
  'brand_id',
  'date_modified',
  'is_visible',
  'is_featured',
  'id:in',
  'inventory_level',
  'total_sold',
  'type',
  'categories',
  'keyword',
];

export function requireDeleteFilter(query: Query): void {
  if (!DELETE_FILTERS.some((f) => param(query, f) !== undefined)) {
    throw new V3Failure(422, 'A filter is required to delete products.', { 'id:in': 'send id:in or another filter' });
  }
}
