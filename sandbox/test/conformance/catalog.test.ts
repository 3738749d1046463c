import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { ConformanceClient, recordConformance } from './harness';
import type { Json } from '../support/json';

/**
 * Catalog V3 against BigCommerce's specs (products_catalog.v3.yml, product-variants_catalog.v3.yml)
 * and FACTS.md sections 3, 5, 8: envelopes, filters, batch caps, 207 partial failures, computed
 * read-only fields, stock written through the inventory module, and the product/sku webhooks.
 */

let sandboxes: RunningSandboxes;
let client: ConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
recordConformance('catalog', () => client);

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false, settings: { inventoryDelayMs: 0 } } });
  client = new ConformanceClient(sandboxes.bcUrl, 'sandbox', 'sandbox-token');
  receiver = await startReceiver();
  for (const scope of ['store/product/*', 'store/sku/*']) {
    expect((await client.call('POST', '/v3/hooks', { scope, destination: receiver.url })).status).toBe(200);
  }
});
afterAll(async () => {
  await receiver?.close();
  await sandboxes?.close();
});

async function eventually<T>(fn: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const eventsOf = (scope: string): Json[] => receiver.received.filter((r) => r.body?.scope === scope).map((r) => r.body.data);
const waitForEvent = (scope: string, match: (data: Json) => boolean) => eventually(() => eventsOf(scope).find(match), `${scope} event`);

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

async function createSimpleProduct(extra: Record<string, unknown> = {}) {
  const res = await client.call('POST', '/v3/catalog/products', { name: unique('Product'), type: 'physical', weight: 1, price: 10, sku: unique('SKU'), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe('GET /v3/catalog/products', () => {
  it('answers the V3 envelope with offset pagination, computed fields and ISO dates', async () => {
    const res = await client.call('GET', '/v3/catalog/products?limit=3&page=2');
    expect(res.status).toBe(200);
    expect(res.body.data.map((p: Json) => p.id)).toEqual([114, 115, 116]);
    expect(res.body.meta.pagination).toMatchObject({ count: 3, per_page: 3, current_page: 2 });
    expect(res.body.meta.pagination.total).toBeGreaterThanOrEqual(7);
    expect(res.body.meta.pagination.links).toMatchObject({ previous: '?page=1&limit=3', current: '?page=2&limit=3', next: '?page=3&limit=3' });

    const pack = (await client.call('GET', '/v3/catalog/products/111')).body.data;
    // Stock summed over both locations: 120 in Austin, 40 at the 3PL (seed).
    expect(pack).toMatchObject({ id: 111, sku: 'PACK-22', price: 79, calculated_price: 79, inventory_level: 160, inventory_tracking: 'product', base_variant_id: 1 });
    expect(pack.date_modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(pack.variants).toBeUndefined();
    const jacket = (await client.call('GET', '/v3/catalog/products/113?include=variants,options')).body.data;
    // Three sizes, 30 + 10 each; a product with options has no base variant.
    expect(jacket).toMatchObject({ inventory_level: 120, base_variant_id: null });
    expect(jacket.variants.map((v: Json) => [v.sku, v.inventory_level, v.calculated_price])).toEqual([
      ['JKT-RDG-S', 40, 149],
      ['JKT-RDG-M', 40, 149],
      ['JKT-RDG-L', 40, 154],
    ]);
    expect(jacket.options).toEqual([
      expect.objectContaining({
        id: 50,
        display_name: 'Size',
        option_values: [expect.objectContaining({ label: 'S' }), expect.objectContaining({ label: 'M' }), expect.objectContaining({ label: 'L' })],
      }),
    ]);
    expect((await client.call('GET', '/v3/catalog/products/999999')).status).toBe(404);
  });

  it('answers 413 above the maximum limit of 250 and pages of 10 with include=options or modifiers', async () => {
    const tooBig = await client.call('GET', '/v3/catalog/products?limit=251');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ status: 413, type: expect.any(String) });
    expect((await client.call('GET', '/v3/catalog/products?limit=250')).body.meta.pagination.per_page).toBe(250);
    const withOptions = await client.call('GET', '/v3/catalog/products?limit=50&include=options');
    expect(withOptions.body.meta.pagination.per_page).toBe(10);
    expect((await client.call('GET', '/v3/catalog/products?include=modifiers')).body.meta.pagination.per_page).toBe(10);
    expect((await client.call('GET', '/v3/catalog/products?limit=0')).status).toBe(422);
  });

  it('filters by id, sku, name, keyword, stock, visibility, categories and dates, and sorts', async () => {
    const ids = async (query: string) => {
      const res = await client.call('GET', `/v3/catalog/products?${query}`);
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.data.map((p: Json) => p.id);
    };
    expect(await ids('id=112')).toEqual([112]);
    expect(await ids('id:in=116,111,999')).toEqual([111, 116]);
    expect(await ids('sku=pack-22')).toEqual([111]);
    expect(await ids('sku:in=MUG-TI,LAMP-400')).toEqual([114, 115]);
    // The main SKU only: a variant SKU finds nothing here (SkuParam).
    expect(await ids('sku=JKT-RDG-M')).toEqual([]);
    expect(await ids('name=Titanium Camp Mug')).toEqual([114]);
    expect(await ids('keyword=jacket')).toEqual([113]);
    expect(await ids('id:in=111,112,113,114,115,116,117&inventory_level:greater=100')).toEqual([111, 112, 113]);
    expect(await ids('id:in=111,112,113,114,115,116,117&inventory_level:less=1')).toEqual([117]);
    expect(await ids('id:in=111,112,113,114,115,116,117&inventory_level:min=80&inventory_level:max=120')).toEqual([113, 114, 115]);
    expect(await ids('inventory_level:in=160,33')).toEqual([111, 116]);
    expect(await ids('id:in=111,112,117&type=digital')).toEqual([117]);
    expect(await ids('id:in=111,112,113,114,115,116,117&sort=price&direction=desc')).toEqual([113, 116, 111, 115, 114, 112, 117]);
    expect(await ids('id:in=111,112,113&sort=name')).toEqual([112, 113, 111]);

    const hidden = await createSimpleProduct({ is_visible: false, categories: [23, 40] });
    expect(await ids(`id:in=111,${hidden.id}&is_visible=false`)).toEqual([hidden.id]);
    expect(await ids(`id:in=111,${hidden.id}&is_visible=true`)).toEqual([111]);
    // categories:in: "products that are in all the categories specified".
    expect(await ids(`id:in=111,${hidden.id}&categories:in=23,40`)).toEqual([hidden.id]);
    expect(await ids(`id:in=111,${hidden.id}&categories:in=23`)).toEqual([111, hidden.id]);

    const before = new Date(Date.now() - 1).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const touched = await createSimpleProduct();
    expect(await ids(`date_modified:min=${encodeURIComponent(before)}`)).toContain(touched.id);
    expect(await ids(`date_modified:min=${encodeURIComponent(before)}`)).not.toContain(111);
    expect(await ids(`id:in=111,${touched.id}&date_modified:max=${encodeURIComponent(before)}`)).toEqual([111]);

    const bad = await client.call('GET', '/v3/catalog/products?id:in=1,abc');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toHaveProperty('id:in');
    expect((await client.call('GET', '/v3/catalog/products?sort=colour')).status).toBe(422);
  });

  it('returns only the id and the asked fields with include_fields, all but the excluded with exclude_fields', async () => {
    const only = (await client.call('GET', '/v3/catalog/products?id:in=111&include_fields=name,price')).body.data[0];
    // gift-wrapping options are "always included in the response body" (product_Base_POST).
    expect(Object.keys(only).sort()).toEqual(['gift_wrapping_options_list', 'gift_wrapping_options_type', 'id', 'name', 'price']);
    const without = (await client.call('GET', '/v3/catalog/products/111?exclude_fields=description,id,price')).body.data;
    expect(without.id).toBe(111);
    expect(without).not.toHaveProperty('description');
    expect(without).not.toHaveProperty('price');
    expect(without).toHaveProperty('sku');
  });
});

describe('POST /v3/catalog/products', () => {
  it('requires name, type, weight and price (422 naming each) and refuses duplicate names and SKUs (409)', async () => {
    const missing = await client.call('POST', '/v3/catalog/products', { sku: unique('X'), price: 'cheap' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toMatchObject({ name: 'error.path.missing', type: 'error.path.missing', weight: 'error.path.missing', price: 'error.expected.jsnumber' });
    // One product per call.
    expect((await client.call('POST', '/v3/catalog/products', [{ name: 'a', type: 'physical', weight: 1, price: 1 }])).status).toBe(422);
    const dupName = await client.call('POST', '/v3/catalog/products', { name: 'merino hiking socks', type: 'physical', weight: 1, price: 1 });
    expect(dupName.status).toBe(409);
    expect(dupName.body.errors).toHaveProperty('name');
    const dupSku = await client.call('POST', '/v3/catalog/products', { name: unique('Jacket copy'), type: 'physical', weight: 1, price: 1, sku: 'jkt-rdg-m' });
    expect(dupSku.status).toBe(409);
    expect(dupSku.body.errors).toHaveProperty('sku');
  });

  it('creates a product with its base variant, ignores read-only fields and writes stock through the inventory module', async () => {
    const sku = unique('LANTERN');
    const res = await client.call('POST', '/v3/catalog/products', {
      id: 5,
      name: unique('Lantern'),
      type: 'physical',
      weight: 0.8,
      price: 30,
      sale_price: 25,
      sku,
      inventory_tracking: 'product',
      inventory_level: 12,
      calculated_price: 1,
      base_variant_id: 1,
      date_created: '2001-01-01T00:00:00Z',
      custom_fields: [{ name: 'Material', value: 'Steel' }],
      images: [{ image_url: 'https://example.com/lantern.jpg', is_thumbnail: true }],
    });
    expect(res.status).toBe(200);
    const product = res.body.data;
    expect(product.id).toBeGreaterThanOrEqual(118);
    expect(product).toMatchObject({ sku, calculated_price: 25, inventory_level: 12, option_set_id: null });
    expect(product.base_variant_id).not.toBe(1);
    expect(product.date_created).not.toBe('2001-01-01T00:00:00Z');
    expect(product.custom_fields).toEqual([{ id: expect.any(Number), name: 'Material', value: 'Steel' }]);
    expect(product.images[0]).toMatchObject({ product_id: product.id, image_url: 'https://example.com/lantern.jpg', is_thumbnail: true });
    expect(product.variants).toEqual([expect.objectContaining({ id: product.base_variant_id, sku, sku_id: null, option_values: [] })]);

    // The stock sits at the default location (1) only.
    const items = await client.call('GET', `/v3/inventory/items?product_id:in=${product.id}`);
    expect(items.body.data[0].locations.map((l: Json) => [l.location_id, l.total_inventory_onhand])).toEqual([
      [1, 12],
      [2, 0],
    ]);
    expect(await waitForEvent('store/product/created', (d) => d.id === product.id)).toEqual({ type: 'product', id: product.id });
    expect(await waitForEvent('store/product/inventory/updated', (d) => d.id === product.id)).toEqual({
      type: 'product',
      id: product.id,
      inventory: { product_id: product.id, method: 'absolute', value: 12 },
    });
    const read = (await client.call('GET', `/v3/catalog/products/${product.id}?include=custom_fields,images,primary_image`)).body.data;
    expect(read.primary_image).toMatchObject({ image_url: 'https://example.com/lantern.jpg' });
    expect(read.custom_fields).toHaveLength(1);
  });

  it('creates variants inline, with their options, SKU events and per-variant stock', async () => {
    const base = unique('TEE');
    const res = await client.call('POST', '/v3/catalog/products', {
      name: unique('Trail Tee'),
      type: 'physical',
      weight: 0.2,
      price: 25,
      sku: base,
      inventory_tracking: 'variant',
      variants: [
        { sku: `${base}-RED`, option_values: [{ option_display_name: 'Colour', label: 'Red' }], inventory_level: 7 },
        { sku: `${base}-BLU`, price: 27, option_values: [{ option_display_name: 'Colour', label: 'Blue' }] },
      ],
    });
    expect(res.status).toBe(200);
    const product = res.body.data;
    expect(product.base_variant_id).toBeNull();
    expect(product.inventory_level).toBe(7);
    const [red, blue] = product.variants;
    expect(red).toMatchObject({ sku: `${base}-RED`, price: null, calculated_price: 25, inventory_level: 7, sku_id: red.id });
    expect(blue).toMatchObject({ sku: `${base}-BLU`, price: 27, calculated_price: 27, inventory_level: 0 });
    expect(red.option_values[0].option_id).toBe(blue.option_values[0].option_id);
    expect(product.options).toEqual([
      expect.objectContaining({ display_name: 'Colour', option_values: [expect.objectContaining({ label: 'Red' }), expect.objectContaining({ label: 'Blue' })] }),
    ]);
    expect(await waitForEvent('store/sku/created', (d) => d.sku.variant_id === red.id)).toEqual({ type: 'sku', id: red.id, sku: { product_id: product.id, variant_id: red.id } });
    await waitForEvent('store/sku/created', (d) => d.sku.variant_id === blue.id);
    await waitForEvent('store/sku/inventory/updated', (d) => d.inventory.variant_id === red.id);

    const clash = await client.call('POST', '/v3/catalog/products', {
      name: unique('Clash'),
      type: 'physical',
      weight: 1,
      price: 1,
      variants: [
        { sku: unique('C1'), option_values: [{ option_display_name: 'Size', label: 'S' }] },
        { sku: unique('C2'), option_values: [{ option_display_name: 'size', label: 's' }] },
      ],
    });
    expect(clash.status).toBe(409);
    const mixed = await client.call('POST', '/v3/catalog/products', {
      name: unique('Mixed'),
      type: 'physical',
      weight: 1,
      price: 1,
      variants: [
        { sku: unique('M1'), option_values: [{ option_display_name: 'Size', label: 'S' }] },
        { sku: unique('M2'), option_values: [{ option_display_name: 'Colour', label: 'Red' }] },
      ],
    });
    expect(mixed.status).toBe(422);
    const noOptions = await client.call('POST', '/v3/catalog/products', {
      name: unique('NoOpt'),
      type: 'physical',
      weight: 1,
      price: 1,
      variants: [{ sku: unique('N1'), option_values: [] }],
    });
    expect(noOptions.status).toBe(422);
    expect(noOptions.body.errors).toHaveProperty('variants.0.option_values');
  });
});

describe('PUT /v3/catalog/products/{id}', () => {
  it('updates a product, recomputes read-only fields and fires store/product/updated', async () => {
    const created = await createSimpleProduct({ inventory_tracking: 'product' });
    await new Promise((r) => setTimeout(r, 5));
    const res = await client.call('PUT', `/v3/catalog/products/${created.id}`, {
      price: 40,
      sale_price: 35,
      calculated_price: 1,
      inventory_level: 9,
      date_modified: '2001-01-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: created.id, price: 40, sale_price: 35, calculated_price: 35, inventory_level: 9 });
    expect(Date.parse(res.body.data.date_modified)).toBeGreaterThan(Date.parse(created.date_modified));
    // The base variant follows its product's price.
    expect(res.body.data.variants[0]).toMatchObject({ price: 40, calculated_price: 35 });
    await waitForEvent('store/product/updated', (d) => d.id === created.id);

    expect((await client.call('PUT', '/v3/catalog/products/999999', { price: 1 })).status).toBe(404);
    const bad = await client.call('PUT', `/v3/catalog/products/${created.id}`, { weight: -1 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toHaveProperty('weight');
    expect((await client.call('PUT', `/v3/catalog/products/${created.id}`, { name: 'Titanium Camp Mug' })).status).toBe(409);
  });

  it('writes inventory_level only for products tracked by product', async () => {
    const untracked = await createSimpleProduct({ inventory_tracking: 'none' });
    const res = await client.call('PUT', `/v3/catalog/products/${untracked.id}`, { inventory_level: 50 });
    expect(res.status).toBe(200);
    expect(res.body.data.inventory_level).toBe(0);
  });
});

describe('PUT /v3/catalog/products (batch)', () => {
  it('answers 413 above 10 products, with the spec text', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: 111 + (i % 7), is_featured: false }));
    const res = await client.call('PUT', '/v3/catalog/products', eleven);
    expect(res.status).toBe(413);
    expect(res.body.title).toContain('The maximum items allowed in the array is 10.');
    expect((await client.call('PUT', '/v3/catalog/products', [])).status).toBe(422);
    expect((await client.call('PUT', '/v3/catalog/products', [{ price: 5 }])).status).toBe(422);
  });

  it('updates up to 10 products, and answers 207 with the updated ones and errors when some fail', async () => {
    const products = await Promise.all(Array.from({ length: 10 }, () => createSimpleProduct()));
    const all = await client.call(
      'PUT',
      '/v3/catalog/products',
      products.map((p, i) => ({ id: p.id, price: 100 + i })),
    );
    expect(all.status).toBe(200);
    expect(all.body.data.map((p: Json) => p.price)).toEqual(products.map((_, i) => 100 + i));

    const partial = await client.call('PUT', '/v3/catalog/products', [
      { id: products[0].id, price: 7 },
      { id: 999_999, price: 8 },
      { id: products[1].id, name: 'Headlamp 400' },
    ]);
    expect(partial.status).toBe(207);
    expect(partial.body.data.map((p: Json) => [p.id, p.price])).toEqual([[products[0].id, 7]]);
    expect(partial.body.errors).toMatchObject({ status: 404, errors: expect.objectContaining({ '1.id': 'not found', '2.name': expect.any(String) }) });
    expect((await client.call('GET', `/v3/catalog/products/${products[1].id}`)).body.data.name).toBe(products[1].name);

    const none = await client.call('PUT', '/v3/catalog/products', [{ id: 999_998, price: 1 }]);
    expect(none.status).toBe(404);
  });
});

describe('DELETE /v3/catalog/products', () => {
  it('needs a filter, deletes at most 250, and fires product and sku deletions', async () => {
    expect((await client.call('DELETE', '/v3/catalog/products')).status).toBe(422);
    const tooMany = Array.from({ length: 251 }, (_, i) => 10_000 + i).join(',');
    expect((await client.call('DELETE', `/v3/catalog/products?id:in=${tooMany}`)).status).toBe(413);

    const simple = await createSimpleProduct();
    const withVariants = (
      await client.call('POST', '/v3/catalog/products', {
        name: unique('Doomed'),
        type: 'physical',
        weight: 1,
        price: 1,
        variants: [{ sku: unique('D1'), option_values: [{ option_display_name: 'Size', label: 'One' }] }],
      })
    ).body.data;
    const res = await client.call('DELETE', `/v3/catalog/products?id:in=${simple.id},${withVariants.id}`);
    expect(res.status).toBe(204);
    expect((await client.call('GET', `/v3/catalog/products/${simple.id}`)).status).toBe(404);
    expect((await client.call('GET', `/v3/catalog/variants?product_id:in=${withVariants.id}`)).body.data).toEqual([]);
    await waitForEvent('store/product/deleted', (d) => d.id === simple.id);
    await waitForEvent('store/product/deleted', (d) => d.id === withVariants.id);
    expect(await waitForEvent('store/sku/deleted', (d) => d.sku.product_id === withVariants.id)).toMatchObject({ type: 'sku', sku: { variant_id: withVariants.variants[0].id } });
  });
});

describe('variants', () => {
  it('lists a product’s variants with pagination and creates one with POST', async () => {
    const list = await client.call('GET', '/v3/catalog/products/113/variants?limit=2');
    expect(list.status).toBe(200);
    expect(list.body.data.map((v: Json) => v.id)).toEqual([201, 202]);
    expect(list.body.meta.pagination).toMatchObject({ total: 3, count: 2, total_pages: 2 });
    expect((await client.call('GET', '/v3/catalog/products/999999/variants')).status).toBe(404);

    const sku = unique('JKT-RDG-XL');
    const created = await client.call('POST', '/v3/catalog/products/113/variants', { sku, price: 159, option_values: [{ option_display_name: 'Size', label: 'XL' }] });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      product_id: 113,
      sku,
      price: 159,
      calculated_price: 159,
      inventory_level: 0,
      option_values: [{ option_id: 50, label: 'XL', option_display_name: 'Size' }],
    });
    await waitForEvent('store/sku/created', (d) => d.sku.variant_id === created.body.data.id);

    expect((await client.call('POST', '/v3/catalog/products/113/variants', { sku: unique('dup'), option_values: [{ id: 262, option_id: 50 }] })).status).toBe(409);
    expect((await client.call('POST', '/v3/catalog/products/113/variants', { sku: 'pack-22', option_values: [{ option_display_name: 'Size', label: 'XXL' }] })).status).toBe(409);
    const missing = await client.call('POST', '/v3/catalog/products/113/variants', { price: 1 });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toMatchObject({ sku: 'error.path.missing', option_values: 'error.path.missing' });
    // A product without options has only its base variant.
    expect((await client.call('POST', '/v3/catalog/products/111/variants', { sku: unique('P'), option_values: [{ option_display_name: 'Size', label: 'S' }] })).status).toBe(422);
  });

  it('filters GET /v3/catalog/variants by id, sku, upc and product_id:in', async () => {
    const ids = async (query: string) => (await client.call('GET', `/v3/catalog/variants?${query}`)).body.data.map((v: Json) => v.id);
    expect(await ids('id=202')).toEqual([202]);
    expect(await ids('sku=jkt-rdg-l')).toEqual([203]);
    expect(await ids('product_id:in=111,112')).toEqual([1, 2]);
    await client.call('PUT', '/v3/catalog/variants', [{ id: 6, upc: '012345678905' }]);
    expect(await ids('upc=012345678905')).toEqual([6]);
    const page = await client.call('GET', '/v3/catalog/variants?limit=2&page=1');
    expect(page.body.meta.pagination).toMatchObject({ per_page: 2, count: 2, current_page: 1 });
    expect((await client.call('GET', '/v3/catalog/variants?limit=251')).status).toBe(413);
  });

  it('updates and creates variants in batches of at most 50, all or nothing', async () => {
    const fiftyOne = Array.from({ length: 51 }, () => ({ id: 201, purchasing_disabled: false }));
    const tooBig = await client.call('PUT', '/v3/catalog/variants', fiftyOne);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.title).toContain('The maximum items allowed in the array is 50');
    expect((await client.call('PUT', '/v3/catalog/variants', fiftyOne.slice(0, 50))).status).toBe(200);

    const newSku = unique('JKT-RDG-XS');
    // A new variant names its option values by id: the value is created first.
    const xs = await client.call('POST', '/v3/catalog/products/113/options/50/values', { label: unique('XS'), sort_order: 10 });
    expect(xs.status).toBe(200);
    const res = await client.call('PUT', '/v3/catalog/variants', [
      { id: 202, sale_price: 129, inventory_level: 33 },
      { product_id: 113, sku: newSku, option_values: [{ id: xs.body.data.id, option_id: 50 }] },
      { id: 4, price: 36 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ id: 202, sale_price: 129, calculated_price: 129, inventory_level: 33 + 10 });
    expect(res.body.data[1]).toMatchObject({
      product_id: 113,
      sku: newSku,
      option_values: [{ id: xs.body.data.id, option_id: 50, label: xs.body.data.label, option_display_name: 'Size' }],
    });
    expect(res.body.data[2]).toMatchObject({ id: 4, price: 36 });
    // A base variant's price is its product's.
    expect((await client.call('GET', '/v3/catalog/products/114')).body.data.price).toBe(36);
    await waitForEvent('store/sku/updated', (d) => d.sku.variant_id === 202);
    await waitForEvent('store/sku/created', (d) => d.sku.variant_id === res.body.data[1].id);
    await waitForEvent('store/product/updated', (d) => d.id === 114);

    const failing = await client.call('PUT', '/v3/catalog/variants', [
      { id: 203, price: 1 },
      { id: 999_999, price: 2 },
      { product_id: 113, sku: unique('incomplete') },
      { id: 201, sku: 'JKT-RDG-M' },
    ]);
    expect(failing.status).toBe(422);
    expect(failing.body.batch_errors.map((e: Json) => e.status)).toEqual([404, 422, 409]);
    expect((await client.call('GET', '/v3/catalog/variants?id=203')).body.data[0].price).toBe(154);
  });

  it('creates a variant only from option value ids of the product: labels and unknown ids are batch errors', async () => {
    const before = (await client.call('GET', '/v3/catalog/products/113/variants?limit=250')).body.data.length;
    const byLabel = await client.call('PUT', '/v3/catalog/variants', [
      { id: 203, price: 1 },
      { product_id: 113, sku: unique('JKT-LBL'), option_values: [{ option_display_name: 'Size', label: unique('XXL') }] },
      { product_id: 113, sku: unique('JKT-MIX'), option_values: [{ id: 263, option_display_name: 'Size', label: 'L' }] },
      // An option value the product does not have.
      { product_id: 113, sku: unique('JKT-UNK'), option_values: [{ id: 999_999, option_id: 50 }] },
    ]);
    expect(byLabel.status).toBe(422);
    expect(byLabel.body.batch_errors).toHaveLength(3);
    expect(byLabel.body.batch_errors[0].errors).toHaveProperty(['1.option_values.0']);
    expect(byLabel.body.batch_errors[1].errors).toHaveProperty(['2.option_values.0']);
    expect(byLabel.body.batch_errors[2].errors).toHaveProperty(['3.option_values.0']);
    // All or nothing: the valid update did not land, no variant was added, no option value was made.
    expect((await client.call('GET', '/v3/catalog/variants?id=203')).body.data[0].price).toBe(154);
    expect((await client.call('GET', '/v3/catalog/products/113/variants?limit=250')).body.data.length).toBe(before);
    const sizes = (await client.call('GET', '/v3/catalog/products/113/options')).body.data[0].option_values.map((v: Json) => v.label);
    expect(sizes.some((l: string) => l.startsWith('XXL'))).toBe(false);
  });
});

describe('product variant options', () => {
  it('lists a product’s options with their values, and 404 for an unknown product', async () => {
    const res = await client.call('GET', '/v3/catalog/products/113/options?limit=5');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({ id: 50, product_id: 113, display_name: 'Size', type: 'rectangles' });
    expect(res.body.data[0].option_values.slice(0, 3)).toEqual([
      { id: 261, label: 'S', sort_order: 0, value_data: null, is_default: false },
      { id: 262, label: 'M', sort_order: 1, value_data: null, is_default: false },
      { id: 263, label: 'L', sort_order: 2, value_data: null, is_default: false },
    ]);
    expect(res.body.meta.pagination).toMatchObject({ total: 1, count: 1, per_page: 5, current_page: 1 });
    expect((await client.call('GET', '/v3/catalog/products/999999/options')).status).toBe(404);
    // A product without options has none.
    expect((await client.call('GET', '/v3/catalog/products/111/options')).body.data).toEqual([]);
  });

  it('creates an option with its values and adds values; a variant is then created from their ids', async () => {
    const base = unique('CAP');
    const product = (
      await client.call('POST', '/v3/catalog/products', {
        name: unique('Trail Cap'),
        type: 'physical',
        weight: 0.1,
        price: 18,
        sku: base,
        variants: [{ sku: `${base}-RED`, option_values: [{ option_display_name: 'Colour', label: 'Red' }] }],
      })
    ).body.data;
    const colour = product.options[0];

    const green = await client.call('POST', `/v3/catalog/products/${product.id}/options/${colour.id}/values`, { label: 'Green', sort_order: 1 });
    expect(green.status).toBe(200);
    expect(green.body.data).toEqual({ id: expect.any(Number), label: 'Green', sort_order: 1, is_default: false, value_data: null });
    // Two values with one label (any letter case), a value without its sort_order, an option of another product.
    expect((await client.call('POST', `/v3/catalog/products/${product.id}/options/${colour.id}/values`, { label: 'green', sort_order: 2 })).status).toBe(422);
    const noOrder = await client.call('POST', `/v3/catalog/products/${product.id}/options/${colour.id}/values`, { label: 'Blue' });
    expect(noOrder.status).toBe(422);
    expect(noOrder.body.errors).toMatchObject({ sort_order: 'error.path.missing' });
    expect((await client.call('POST', `/v3/catalog/products/${product.id}/options/50/values`, { label: 'Blue', sort_order: 2 })).status).toBe(404);

    const material = await client.call('POST', `/v3/catalog/products/${product.id}/options`, {
      display_name: 'Material',
      type: 'dropdown',
      option_values: [
        { label: 'Cotton', sort_order: 0 },
        { label: 'Wool', sort_order: 1, is_default: true },
      ],
    });
    expect(material.status).toBe(200);
    expect(material.body.data).toMatchObject({
      product_id: product.id,
      display_name: 'Material',
      type: 'dropdown',
      option_values: [
        { label: 'Cotton', sort_order: 0, is_default: false },
        { label: 'Wool', sort_order: 1, is_default: true },
      ],
    });
    expect(material.body.data.id).not.toBe(colour.id);
    expect(
      (await client.call('POST', `/v3/catalog/products/${product.id}/options`, { display_name: 'material', type: 'dropdown', option_values: [{ label: 'Silk', sort_order: 0 }] }))
        .status,
    ).toBe(409);
    const invalid = await client.call('POST', `/v3/catalog/products/${product.id}/options`, { display_name: 'Fit', option_values: [] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toHaveProperty('type');
    expect(
      (await client.call('POST', '/v3/catalog/products/999999/options', { display_name: 'Fit', type: 'dropdown', option_values: [{ label: 'Slim', sort_order: 0 }] })).status,
    ).toBe(404);

    const listed = (await client.call('GET', `/v3/catalog/products/${product.id}/options`)).body.data;
    expect(listed.map((o: Json) => [o.display_name, o.option_values.map((v: Json) => v.label)])).toEqual([
      ['Colour', ['Red', 'Green']],
      ['Material', ['Cotton', 'Wool']],
    ]);

    const created = await client.call('PUT', '/v3/catalog/variants', [
      { product_id: product.id, sku: `${base}-GRN`, option_values: [{ id: green.body.data.id, option_id: colour.id }] },
    ]);
    expect(created.status).toBe(200);
    expect(created.body.data[0]).toMatchObject({
      product_id: product.id,
      sku: `${base}-GRN`,
      option_values: [{ id: green.body.data.id, option_id: colour.id, label: 'Green', option_display_name: 'Colour' }],
    });
    // The same combination again is a conflict.
    expect(
      (await client.call('PUT', '/v3/catalog/variants', [{ product_id: product.id, sku: unique('CAP-GRN2'), option_values: [{ id: green.body.data.id, option_id: colour.id }] }]))
        .body.batch_errors[0].status,
    ).toBe(409);
  });
});

describe('webhook payloads', () => {
  it('carry ids only, in the documented shapes', async () => {
    const created = await createSimpleProduct();
    await client.call('PUT', `/v3/catalog/products/${created.id}`, { is_featured: true });
    const updated = await waitForEvent('store/product/updated', (d) => d.id === created.id);
    expect(updated).toEqual({ type: 'product', id: created.id });
    const all = receiver.received.map((r) => r.body);
    for (const body of all) {
      expect(body).toMatchObject({ store_id: '1000001', producer: 'stores/sandbox', hash: expect.stringMatching(/^[0-9a-f]{40}$/), created_at: expect.any(Number) });
      if (body.scope.startsWith('store/sku/') && !body.scope.includes('inventory')) {
        expect(Object.keys(body.data).sort()).toEqual(['id', 'sku', 'type']);
      }
    }
  });
});
