import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { filterValueOctets, FIRST_TARGET_OCTETS, lookupTracking, packFilterValues, RequestTargetBudget } from '../../connectors/bigcommerce/inventory/tracking';
import { productDefaults, variantDefaults } from '../../sandbox/bigcommerce/catalog-defaults';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';

/**
 * The tracking lookup against the BigCommerce sandox (which enforces the documented page sizes:
 * 413 above 1000 inventory items or 250 products a page): as few reads as those sizes allow, split
 * by URL length too, and a store that refuses long URLs is asked again in halves.
 */

let sandboxes: RunningSandboxes;
const calls: Array<{ route: string; status: number }> = [];
// 1000 products kept by product (SKU P-<n>), 250 kept by variant with 4 variants each (V-<n>-<k>).
const productSkus: string[] = [];
const variantSkus: string[] = [];

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { quota: 100_000 } });
  const data = sandboxes.bigcommerce.ctx.data;
  const now = Date.now();
  let variantId = 500_000;
  for (let i = 0; i < 1250; i++) {
    const id = 50_000 + i;
    const byVariant = i >= 1000;
    const sku = byVariant ? `V-${id}` : `P-${id}`;
    const product = productDefaults({ id, name: `Tracking ${id}`, sku, price: 10, weight: 1, type: 'physical', inventory_tracking: byVariant ? 'variant' : 'product' }, now);
    data.products[String(id)] = product;
    if (!byVariant) {
      const v = variantDefaults({ id: variantId++, product_id: id, sku, price: 10, option_values: [] });
      product.base_variant_id = v.id;
      data.variants[String(v.id)] = v;
      data.inventory[`1:${v.id}`] = { onHand: i % 7, safetyStock: 0, warningLevel: 0, isInStock: true, binPickingNumber: '' };
      productSkus.push(sku);
      continue;
    }
    product.base_variant_id = null;
    for (let k = 0; k < 4; k++) {
      const vid = variantId++;
      data.variants[String(vid)] = variantDefaults({
        id: vid,
        product_id: id,
        sku: `${sku}-${k}`,
        price: null,
        option_values: [{ id: 900_000 + vid, label: `Size ${k}`, option_id: 90_000 + id, option_display_name: 'Size' }],
      });
      variantSkus.push(`${sku}-${k}`);
    }
  }
});
afterAll(async () => {
  await sandboxes?.close();
});

const client = (fetchImpl?: typeof fetch) =>
  new BigCommerceClient({
    apiUrl: sandboxes.bcUrl,
    storeHash: 'sandbox',
    accessToken: 'sandbox-token',
    onCall: (c) => calls.push({ route: c.route, status: c.status }),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
const byRoute = () => {
  const out: Record<string, number> = {};
  for (const c of calls) out[`${c.route} ${c.status}`] = (out[`${c.route} ${c.status}`] ?? 0) + 1;
  return out;
};

describe('packFilterValues', () => {
  it('fills each request up to the page size and the URL budget, in order', () => {
    const skus = Array.from({ length: 2500 }, (_, i) => `S-${String(i).padStart(5, '0')}`);
    const chunks = packFilterValues(skus, { maxValues: 1000, maxOctets: 1_000_000, fixedOctets: 100 });
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(chunks.flat()).toEqual(skus);
    // Each SKU costs 7 + 3 (%2C): 100 + 10 x 90 = 1000 octets a request.
    expect(filterValueOctets('S-00001')).toBe(10);
    expect(
      packFilterValues(skus, { maxValues: 1000, maxOctets: 1000, fixedOctets: 100 })
        .map((c) => c.length)
        .slice(0, 2),
    ).toEqual([90, 90]);
  });

  it('splits long SKUs by length (255 characters, encoded), and a value too long for any company goes alone', () => {
    const long = Array.from({ length: 200 }, (_, i) => `${'x'.repeat(250)}/${String(i).padStart(4, '0')}`);
    const chunks = packFilterValues(long, { maxValues: 1000, maxOctets: FIRST_TARGET_OCTETS, fixedOctets: 100 });
    // "/" is encoded as %2F: 257 + 3 octets each, 61 fit in 16,000.
    expect(chunks[0]).toHaveLength(61);
    expect(chunks.flat()).toEqual(long);
    expect(packFilterValues(['a'.repeat(500), 'b'], { maxValues: 1000, maxOctets: 300, fixedOctets: 100 })).toEqual([['a'.repeat(500)], ['b']]);
  });
});

describe('lookupTracking against the sandbox', () => {
  it('reads 2000 SKUs in 2 inventory item reads of 1000 and their 1250 products in 5 reads of 250, with what the store shows', async () => {
    calls.length = 0;
    const skus = [...productSkus, ...variantSkus];
    const { items, calls: counted } = await lookupTracking(client(), skus);
    expect(byRoute()).toEqual({ '/v3/inventory/items 200': 2, '/v3/catalog/products 200': 5 });
    expect(counted).toBe(7);
    expect(items).toHaveLength(2000);
    expect(items[0]).toMatchObject({ sku: 'P-50000', ref: { productId: 50_000 }, onHand: { 1: 0 } });
    expect(items[3]).toMatchObject({ sku: 'P-50003', onHand: { 1: 3 } });
    expect(items[1000]).toMatchObject({ sku: 'V-51000-0', ref: { variantId: expect.any(Number) } });
    expect(items.filter((i) => i.ref === null)).toEqual([]);
  });

  it('a store that refuses long URLs (414) is asked again in halves, and the budget it taught is kept', async () => {
    calls.length = 0;
    const refusing: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const target = url.slice(url.indexOf('/stores/'));
      if (target.length > 8_000) return new Response('<html>414 Request-URI Too Large</html>', { status: 414, headers: { 'content-type': 'text/html' } });
      return fetch(input, init);
    };
    const budget = new RequestTargetBudget();
    const { items, calls: counted } = await lookupTracking(client(refusing), productSkus, { budget });
    expect(items.every((i) => i.ref !== null)).toBe(true);
    // 1000 SKUs of 7 characters (10 octets each): one refused read of 1000, then two of 500.
    expect(byRoute()).toEqual({ '/v3/inventory/items 414': 1, '/v3/inventory/items 200': 2, '/v3/catalog/products 200': 4 });
    expect(counted).toBe(7);
    expect(budget.octets).toBeLessThan(8_000);
    calls.length = 0;
    await lookupTracking(client(refusing), productSkus, { budget });
    expect(byRoute()).toEqual({ '/v3/inventory/items 200': 2, '/v3/catalog/products 200': 4 });
  });

  it('a single SKU refused as too long is a failure, not a loop', async () => {
    const refusing: typeof fetch = async () => new Response('', { status: 414 });
    await expect(lookupTracking(client(refusing), ['P-50000'])).rejects.toThrow(/414/);
  });
});
