/**
 * How inventory writes are cut into BigCommerce calls: absolute adjustments carry up to 2000 items
 * at any locations (FACTS.md sections 3 and 9: "e.g. 200 items x 10 locations"), grouped by
 * location. inventorySync puts every location in the same request (runs started before
 * `inventory-one-request-all-locations` sent one location per request, which kept a refused
 * request to one location at the price of a call per location).
 */

export const ADJUSTMENT_MAX_ITEMS = 2000;

/** The identity BigCommerce wants for the item: product id when tracked by product, variant id when by variant. */
export type ItemRef = { productId: number } | { variantId: number };

export interface AbsoluteItem {
  bcLocationId: number;
  sku: string;
  ref: ItemRef;
  quantity: number;
}

/** Groups by BigCommerce location (ascending), then cuts each group into requests of at most `max` items. */
export function batchesByLocation<T extends { bcLocationId: number }>(items: readonly T[], max = ADJUSTMENT_MAX_ITEMS): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(item.bcLocationId) ?? [];
    group.push(item);
    groups.set(item.bcLocationId, group);
  }
  const out: T[][] = [];
  for (const [, group] of [...groups].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i < group.length; i += max) out.push(group.slice(i, i + max));
  }
  return out;
}

/**
 * The fewest calls that could carry a set of changes: per location, the distinct SKUs changed
 * there, 2000 to a call. (`min_calls` in `npm run bench -- inventory`.)
 */
export function minAdjustmentCalls(changes: ReadonlyArray<{ sku: string; location: string }>, max = ADJUSTMENT_MAX_ITEMS): number {
  const perLocation = new Map<string, Set<string>>();
  for (const c of changes) {
    const skus = perLocation.get(c.location) ?? new Set<string>();
    skus.add(c.sku);
    perLocation.set(c.location, skus);
  }
  let calls = 0;
  for (const skus of perLocation.values()) calls += Math.ceil(skus.size / max);
  return calls;
}

/**
 * The ERP -> BigCommerce location map, from `INVENTORY_LOCATIONS` ("1:1,2:5": ERP location 1 is
 * BigCommerce location 1, ERP 2 is BigCommerce 5). ERP locations not in the map are not synced.
 */
export function parseLocationMap(text: string): Record<string, number> {
  const map: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([^:\s]+):(\d+)$/.exec(part);
    if (!m) throw new Error(`invalid location pair "${part}": expected <erpLocation>:<bigCommerceLocationId>, e.g. 1:1`);
    map[m[1]!] = Number(m[2]);
  }
  if (Object.keys(map).length === 0) throw new Error('the location map is empty');
  return map;
}

/** Fixed-width histogram of lags (ms), kept small in workflow state; p95 read from it. */
export interface LagHistogram {
  bucketMs: number;
  counts: number[];
}

export const newLagHistogram = (bucketMs = 250, buckets = 1200): LagHistogram => ({ bucketMs, counts: new Array<number>(buckets).fill(0) });

export function recordLag(h: LagHistogram, lagMs: number, times = 1): void {
  const i = Math.min(h.counts.length - 1, Math.max(0, Math.floor(lagMs / h.bucketMs)));
  h.counts[i] = (h.counts[i] ?? 0) + times;
}

/** The upper edge of the bucket holding the p-th percentile (ms); 0 with no samples. */
export function lagPercentile(h: LagHistogram, p: number): number {
  const total = h.counts.reduce((s, c) => s + c, 0);
  if (total === 0) return 0;
  const target = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i]!;
    if (seen >= target) return (i + 1) * h.bucketMs;
  }
  return h.counts.length * h.bucketMs;
}
