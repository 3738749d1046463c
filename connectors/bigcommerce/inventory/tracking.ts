import { z } from 'zod';
import type { ItemRef } from '../../../domain/inventory/batches';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { paginateV3 } from '../pagination';

/**
 * Which identity a SKU's stock is written with. BigCommerce keeps stock per product
 * (`inventory_tracking: "product"`) or per variant (`"variant"`), and refuses a write at the wrong
 * level with 422. Looked up once per SKU and cached by the caller (inventorySync keeps it in its
 * state): one inventory item read per 1000 SKUs and one product read per 250 products, at the
 * fewest BigCommerce's documented page sizes allow. `onHand`: what the store shows at each of its
 * locations (BigCommerce location id -> on hand) when it was read (by `readAtMs`, this process's clock).
 */
export type SkuTracking = { sku: string; ref: ItemRef; onHand?: Record<number, number> } | { sku: string; ref: null; why: 'not-tracked' | 'not-found' };

// --- BigCommerce's shapes (inventory.v3.yml items; products_catalog.v3.yml) ---
const inventoryItem = z.object({
  identity: z.object({ sku: z.string(), variant_id: z.number().int(), product_id: z.number().int() }),
  // What the store shows now, per location: the same read tells us, for free, which items need no write.
  locations: z.array(z.object({ location_id: z.number().int(), total_inventory_onhand: z.number().int() }).loose()).optional(),
});
const productTracking = z.object({ id: z.number().int(), inventory_tracking: z.enum(['none', 'product', 'variant']) });

/** inventory.v3.yml, GET /inventory/items: "Limit of 1000 items for payload length" (a larger `limit` is 413). */
export const INVENTORY_ITEMS_PAGE = 1000;
/** products_catalog.v3.yml, GET /catalog/products: `limit` maximum 250. */
export const PRODUCTS_PAGE = 250;

/**
 * How long a request target (path and query) the lookups send. BigCommerce documents no limit on
 * it, nor on how many values `sku:in` or `id:in` take, but SKUs run to 255 characters and 1000 of
 * them make a URL no server takes: the values of one read are split by length as well as by count.
 * The first guess, 16,000 octets, fits 1000 SKUs of up to 12 characters (each costs its encoding
 * plus 3 for the `%2C` between them) and stays under the 16 KiB that Node's HTTP server (the
 * sandbox) and many front ends allow for the request line and headers together. A store that
 * refuses a read as too large (413, 414 or 431) gets it again in halves, and the budget it taught
 * is kept for the rest of the process (one budget per activities factory), so a stricter store
 * costs one refused call per worker process, not one per flush.
 */
export const FIRST_TARGET_OCTETS = 16_000;

export class RequestTargetBudget {
  constructor(private octetsNow = FIRST_TARGET_OCTETS) {}
  get octets(): number {
    return this.octetsNow;
  }
  /** The store refused a longer request target: from now on at most `octets`. */
  refused(octets: number): void {
    this.octetsNow = Math.max(1, Math.min(this.octetsNow, octets));
  }
}

const TOO_LARGE = new Set([413, 414, 431]);

/** Octets one value adds to a comma-separated filter, as the client's URL encoding writes it (`,` is `%2C`). */
export function filterValueOctets(value: string): number {
  return new URLSearchParams([['', value]]).toString().length - 1 + 3;
}

/**
 * Splits `values` into the fewest requests, in order, each with at most `maxValues` values and a
 * request target of at most `maxOctets` (`fixedOctets`: the path and the other parameters). A value
 * too long to fit with any other goes alone.
 */
export function packFilterValues(values: readonly string[], opts: { maxValues: number; maxOctets: number; fixedOctets: number }): string[][] {
  const out: string[][] = [];
  let chunk: string[] = [];
  let octets = opts.fixedOctets;
  for (const v of values) {
    const cost = filterValueOctets(v);
    if (chunk.length > 0 && (chunk.length >= opts.maxValues || octets + cost > opts.maxOctets)) {
      out.push(chunk);
      chunk = [];
      octets = opts.fixedOctets;
    }
    chunk.push(v);
    octets += cost;
  }
  if (chunk.length) out.push(chunk);
  return out;
}

/** The request target of a read without its filter values: path, store prefix, the filter's name, paging and the other parameters (with room for an API URL with a path of its own). */
function fixedOctets(client: BigCommerceClient, path: string, filter: string, other: Record<string, string>, limit: number): number {
  const params = new URLSearchParams({ ...other, [filter]: '', limit: String(limit), page: '1000' });
  return `/stores/${encodeURIComponent(client.storeHash)}${path}?`.length + params.toString().length + 64;
}

/**
 * Every page of `path` for the values of `filter`, in as few requests as the page size and the
 * request target budget allow. A request refused as too large (413, 414, 431) is sent again in
 * halves, and the budget shrinks to a half's length (a single value refused is a real failure).
 * Returns the calls made, refused ones included.
 */
async function readFiltered<T extends z.ZodType>(
  client: BigCommerceClient,
  req: {
    path: string;
    filter: string;
    values: readonly string[];
    other?: Record<string, string>;
    limit: number;
    item: T;
    budget: RequestTargetBudget;
    signal?: AbortSignal;
    priority?: number;
  },
  onPage: (page: z.output<T>[]) => void,
): Promise<number> {
  const other = req.other ?? {};
  const fixed = fixedOctets(client, req.path, req.filter, other, req.limit);
  const pack = (values: readonly string[]) => packFilterValues(values, { maxValues: req.limit, maxOctets: req.budget.octets, fixedOctets: fixed });
  const octetsOf = (values: readonly string[]) => values.reduce((n, v) => n + filterValueOctets(v), fixed);
  let queue = pack(req.values);
  let calls = 0;
  while (queue.length) {
    const chunk = queue.shift()!;
    const query = { [req.filter]: chunk.join(','), ...other };
    try {
      for await (const page of paginateV3(client, { path: req.path, route: req.path, query, signal: req.signal, priority: req.priority }, req.item, { limit: req.limit })) {
        calls++;
        onPage(page);
      }
    } catch (err) {
      const status = err instanceof BigCommerceError ? err.details.status : undefined;
      if (status === undefined || !TOO_LARGE.has(status) || chunk.length === 1) throw err;
      calls++;
      // Too large: half of it (by count) is the new budget, and what is left is packed again to it.
      const half = Math.ceil(chunk.length / 2);
      req.budget.refused(Math.max(octetsOf(chunk.slice(0, half)), octetsOf(chunk.slice(half))));
      queue = pack([...chunk, ...queue.flat()]);
    }
  }
  return calls;
}

/**
 * 1. `GET /v3/inventory/items?sku:in=` names each SKU's inventory item (a product kept by product
 *    shows once, under its own SKU; a variant kept by variant under the variant's SKU), with what
 *    the store shows at each location.
 *    https://developer.bigcommerce.com/docs/rest-management/inventory/items#get-inventory-at-locations
 * 2. `GET /v3/catalog/products?id:in=&include_fields=inventory_tracking` says how each is tracked.
 *    https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
 * A SKU that is no inventory item (a variant SKU of a product kept by product) is `not-found`:
 * its level cannot be written per variant, and the ERP's per-variant level has no place to go.
 */
export async function lookupTracking(
  client: BigCommerceClient,
  skus: readonly string[],
  opts: { signal?: AbortSignal; priority?: number; budget?: RequestTargetBudget } = {},
): Promise<{ items: SkuTracking[]; calls: number; readAtMs: number }> {
  const budget = opts.budget ?? new RequestTargetBudget();
  const found = new Map<string, { variantId: number; productId: number; onHand?: Record<number, number> }>();
  let calls = await readFiltered(
    client,
    {
      path: '/v3/inventory/items',
      filter: 'sku:in',
      values: [...new Set(skus)],
      limit: INVENTORY_ITEMS_PAGE,
      item: inventoryItem,
      budget,
      signal: opts.signal,
      priority: opts.priority,
    },
    (page) => {
      for (const it of page) {
        const onHand = it.locations ? Object.fromEntries(it.locations.map((l) => [l.location_id, l.total_inventory_onhand])) : undefined;
        found.set(it.identity.sku.toLowerCase(), { variantId: it.identity.variant_id, productId: it.identity.product_id, ...(onHand ? { onHand } : {}) });
      }
    },
  );
  // Every level shown was read by now (the product reads below tell the tracking mode only).
  const readAtMs = Date.now();
  const productIds = [...new Set([...found.values()].map((f) => String(f.productId)))];
  const tracking = new Map<number, 'none' | 'product' | 'variant'>();
  if (productIds.length) {
    calls += await readFiltered(
      client,
      {
        path: '/v3/catalog/products',
        filter: 'id:in',
        values: productIds,
        other: { include_fields: 'inventory_tracking' },
        limit: PRODUCTS_PAGE,
        item: productTracking,
        budget,
        signal: opts.signal,
        priority: opts.priority,
      },
      (page) => {
        for (const p of page) tracking.set(p.id, p.inventory_tracking);
      },
    );
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
  return { items, calls, readAtMs };
}
