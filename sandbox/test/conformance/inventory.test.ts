import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStockChanges } from '../../bigcommerce/inventory';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { ConformanceClient, recordConformance } from './harness';
import type { Json } from '../support/json';

/**
 * Inventory and locations V3 against BigCommerce's specs (inventory.v3.yml, locations.v3.yml) and
 * FACTS.md section 9: asynchronous adjustments (a read right after shows the old level), the
 * tracking-level 422, safety stock, strict ordering, item reads and settings, locations.
 */

const DELAY_MS = 300;
let sandboxes: RunningSandboxes;
let client: ConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
recordConformance('inventory', () => client);

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false, settings: { inventoryDelayMs: DELAY_MS } } });
  client = new ConformanceClient(sandboxes.bcUrl, 'sandbox', 'sandbox-token');
  receiver = await startReceiver();
  for (const scope of ['store/product/*', 'store/sku/*', 'store/channel/*', 'store/inventory/*']) {
    expect((await client.call('POST', '/v3/hooks', { scope, destination: receiver.url })).status).toBe(200);
  }
});
afterAll(async () => {
  await receiver?.close();
  await sandboxes?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const eventsOf = (scope: string): Json[] => receiver.received.filter((r) => r.body?.scope === scope).map((r) => r.body.data);
const waitForEvent = (scope: string, match: (data: Json) => boolean) => eventually(() => eventsOf(scope).find(match), `${scope} event`);

/** On-hand stock of an item at a location, read through the Inventory API. */
async function onHand(locationId: number, filter: string): Promise<number> {
  const res = await client.call('GET', `/v3/inventory/locations/${locationId}/items?${filter}`);
  expect(res.status).toBe(200);
  return res.body.data[0].total_inventory_onhand;
}

const absolute = (items: Json[]) => client.call('PUT', '/v3/inventory/adjustments/absolute', { reason: 'cycle count', items });
const relative = (items: Json[]) => client.call('POST', '/v3/inventory/adjustments/relative', { reason: 'correction', items });

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

describe('inventory adjustments', () => {
  it('answers 200 with a transaction id at once and applies the change later (asynchronous)', async () => {
    const before = await onHand(1, 'product_id:in=112');
    expect(before).toBe(400);
    const res = await absolute([{ location_id: 1, product_id: 112, quantity: 250 }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ transaction_id: expect.any(String) });
    // "If you call Get Stock request immediately after the adjustment operation, you might find the stock level unchanged."
    expect(await onHand(1, 'product_id:in=112')).toBe(400);
    await eventually(async () => ((await onHand(1, 'product_id:in=112')) === 250 ? true : undefined), 'the adjusted level');
    expect((await client.call('GET', '/v3/catalog/products/112')).body.data.inventory_level).toBe(250 + 133);
  });

  it('fires the product scope for items tracked by product and the sku scope for items tracked by variant', async () => {
    await absolute([
      { location_id: 2, product_id: 114, quantity: 11 },
      { location_id: 2, variant_id: 203, quantity: 12 },
      { location_id: 2, sku: 'jkt-rdg-s', quantity: 13 },
    ]);
    expect(await waitForEvent('store/product/inventory/updated', (d) => d.id === 114)).toEqual({
      type: 'product',
      id: 114,
      inventory: { product_id: 114, method: 'absolute', value: 11 },
    });
    expect(await waitForEvent('store/sku/inventory/updated', (d) => d.inventory.variant_id === 203)).toEqual({
      type: 'sku',
      id: 203,
      inventory: { product_id: 113, method: 'absolute', value: 12, variant_id: 203 },
    });
    await waitForEvent('store/sku/inventory/updated', (d) => d.inventory.variant_id === 201);
    expect(await waitForEvent('store/channel/1/inventory/product/stock_changed', (d) => d.variant_id === 203)).toEqual({ variant_id: 203, product_id: 113, location_id: 2 });
    expect(eventsOf('store/product/inventory/updated').some((d) => d.id === 113)).toBe(false);
    expect(eventsOf('store/sku/inventory/updated').some((d) => d.inventory.product_id === 114)).toBe(false);
    expect(await onHand(2, 'variant_id:in=201')).toBe(13);
  });

  it('refuses stock written at the wrong level with the spec’s 422, as application/problem+json', async () => {
    const byVariant = await absolute([{ location_id: 1, variant_id: 1, quantity: 5 }]);
    expect(byVariant.status).toBe(422);
    expect(byVariant.headers.get('content-type')).toContain('application/problem+json');
    expect(byVariant.body).toMatchObject({ status: 422, title: '[Item with variant_id 1 is tracked by product, please update stock by product id]', errors: {} });
    const byProduct = await relative([{ location_id: 1, product_id: 113, quantity: 1 }]);
    expect(byProduct.status).toBe(422);
    expect(byProduct.body.title).toBe('[Item with product_id 113 is tracked by variant, please update stock by variant id]');
    // Both problems in one answer; nothing applied.
    const both = await absolute([
      { location_id: 1, variant_id: 2, quantity: 1 },
      { location_id: 1, product_id: 113, quantity: 1 },
      { location_id: 1, product_id: 115, quantity: 1 },
    ]);
    expect(both.status).toBe(422);
    expect(both.body.title).toContain('variant_id 2 is tracked by product');
    expect(both.body.title).toContain('product_id 113 is tracked by variant');
    await sleep(DELAY_MS + 100);
    expect(await onHand(1, 'product_id:in=115')).toBe(60);
  });

  it('needs exactly one identifier per item, a known location, and at most 2000 items', async () => {
    const two = await absolute([{ location_id: 1, variant_id: 201, sku: 'JKT-RDG-S', quantity: 1 }]);
    expect(two.status).toBe(422);
    expect(two.body.errors).toHaveProperty('items.0');
    expect((await absolute([{ location_id: 1, quantity: 1 }])).status).toBe(422);
    expect((await absolute([{ variant_id: 201, quantity: 1 }])).body.errors).toMatchObject({ 'items.0.location_id': 'error.path.missing' });
    expect((await client.call('PUT', '/v3/inventory/adjustments/absolute', { reason: 'no items' })).body.errors).toMatchObject({ items: 'error.path.missing' });
    expect((await absolute([{ location_id: 99, variant_id: 201, quantity: 1 }])).status).toBe(422);
    expect((await absolute([{ location_id: 1, variant_id: 201, quantity: -1 }])).status).toBe(422);

    const item = { location_id: 1, variant_id: 202, quantity: 30 };
    expect((await absolute(Array.from({ length: 2001 }, () => item))).status).toBe(413);
    expect((await absolute(Array.from({ length: 2000 }, () => item))).status).toBe(200);
  });

  it('refuses a relative adjustment below the safety stock and applies none of its items', async () => {
    // Seed: 75 on hand for product 114 at location 1, safety stock 2; 400 of product 112... set above.
    await absolute([{ location_id: 1, product_id: 116, quantity: 10 }]);
    await eventually(async () => ((await onHand(1, 'product_id:in=116')) === 10 ? true : undefined), 'the absolute level');
    const tooMuch = await relative([
      { location_id: 1, product_id: 115, quantity: -5 },
      { location_id: 1, product_id: 116, quantity: -9 },
    ]);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers.get('content-type')).toContain('application/problem+json');
    expect(tooMuch.body.title).toContain('product_id 116');
    await sleep(DELAY_MS + 100);
    expect(await onHand(1, 'product_id:in=116')).toBe(10);
    expect(await onHand(1, 'product_id:in=115')).toBe(60);

    const fine = await relative([{ location_id: 1, product_id: 116, quantity: -8 }]);
    expect(fine.status).toBe(200);
    expect(await onHand(1, 'product_id:in=116')).toBe(10);
    await eventually(async () => ((await onHand(1, 'product_id:in=116')) === 2 ? true : undefined), 'the relative level');
    expect(await waitForEvent('store/product/inventory/updated', (d) => d.id === 116 && d.inventory.method === 'relative')).toMatchObject({ inventory: { value: -8 } });
  });

  it('orders concurrent relative adjustments strictly: one accepted but not yet applied counts against the next', async () => {
    await absolute([{ location_id: 2, variant_id: 202, quantity: 10 }]);
    const first = await relative([{ location_id: 2, variant_id: 202, quantity: -10 }]);
    expect(first.status).toBe(200);
    // Still 10 on hand to a reader, but the second would oversell: refused (inventory-adjustments.mdx, example A).
    const second = await relative([{ location_id: 2, variant_id: 202, quantity: -1 }]);
    expect(second.status).toBe(422);
    await eventually(async () => ((await onHand(2, 'variant_id:in=202')) === 0 ? true : undefined), 'both applied in order');
  });

  it('needs an absolute adjustment before a relative one on a new item', async () => {
    const product = (
      await client.call('POST', '/v3/catalog/products', { name: unique('Stove'), type: 'physical', weight: 1, price: 60, sku: unique('STOVE'), inventory_tracking: 'product' })
    ).body.data;
    const res = await relative([{ location_id: 1, product_id: product.id, quantity: 3 }]);
    expect(res.status).toBe(422);
    expect(res.body.title).toBe(`Items with identity: [product_id ${product.id}] requires absolute adjustment before relative`);
    expect((await absolute([{ location_id: 1, product_id: product.id, quantity: 0 }])).status).toBe(200);
    // Accepted: the absolute adjustment queued before it made the level.
    expect((await relative([{ location_id: 1, product_id: product.id, quantity: 3 }])).status).toBe(200);
    await eventually(async () => ((await onHand(1, `product_id:in=${product.id}`)) === 3 ? true : undefined), 'absolute then relative');
  });

  it('fires the order scopes when an order takes stock (applyStockChanges with cause "order")', async () => {
    applyStockChanges(sandboxes.bigcommerce.ctx, [{ locationId: 1, variantId: 201, value: -1 }], 'relative', 'order');
    expect(await waitForEvent('store/sku/inventory/order/updated', (d) => d.inventory.variant_id === 201)).toMatchObject({
      type: 'sku',
      inventory: { method: 'relative', value: -1 },
    });
    applyStockChanges(sandboxes.bigcommerce.ctx, [{ locationId: 1, variantId: 5, value: -1 }], 'relative', 'order');
    expect(await waitForEvent('store/product/inventory/order/updated', (d) => d.id === 115)).toMatchObject({ type: 'product', inventory: { method: 'relative', value: -1 } });
  });
});

describe('inventory items', () => {
  it('lists every item at every location, with the spec’s identity and settings', async () => {
    const res = await client.call('GET', '/v3/inventory/items?product_id:in=111,113');
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: Json) => i.identity)).toEqual([
      { sku: 'PACK-22', variant_id: 1, product_id: 111, sku_id: null },
      { sku: 'JKT-RDG-S', variant_id: 201, product_id: 113, sku_id: 201 },
      { sku: 'JKT-RDG-M', variant_id: 202, product_id: 113, sku_id: 202 },
      { sku: 'JKT-RDG-L', variant_id: 203, product_id: 113, sku_id: 203 },
    ]);
    expect(res.body.data[0].locations).toEqual([
      {
        location_id: 1,
        location_code: 'BC-LOCATION-1',
        location_name: 'Austin warehouse',
        available_to_sell: 118,
        total_inventory_onhand: 120,
        location_enabled: true,
        settings: { safety_stock: 2, is_in_stock: true, warning_level: 5, bin_picking_number: '' },
      },
      {
        location_id: 2,
        location_code: 'RENO-3PL',
        location_name: 'Reno 3PL',
        available_to_sell: 40,
        total_inventory_onhand: 40,
        location_enabled: true,
        settings: { safety_stock: 0, is_in_stock: true, warning_level: 0, bin_picking_number: '' },
      },
    ]);
    expect(res.body.meta.pagination).toMatchObject({ total: 4, count: 4 });
  });

  it('filters by sku:in, variant_id:in, location_id:in and location_code:in, and pages', async () => {
    const bySku = await client.call('GET', '/v3/inventory/items?sku:in=jkt-rdg-m,MUG-TI&location_id:in=2');
    expect(bySku.body.data.map((i: Json) => [i.identity.variant_id, i.locations.map((l: Json) => l.location_id)])).toEqual([
      [202, [2]],
      [4, [2]],
    ]);
    const byVariant = await client.call('GET', '/v3/inventory/items?variant_id:in=203&location_code:in=BC-LOCATION-1');
    expect(byVariant.body.data).toHaveLength(1);
    expect(byVariant.body.data[0].locations.map((l: Json) => l.location_code)).toEqual(['BC-LOCATION-1']);
    const page = await client.call('GET', '/v3/inventory/items?limit=2&page=2');
    expect(page.body.meta.pagination).toMatchObject({ count: 2, per_page: 2, current_page: 2 });
    expect((await client.call('GET', '/v3/inventory/items?limit=1001')).status).toBe(413);
    expect((await client.call('GET', '/v3/inventory/items?variant_id:in=x')).status).toBe(422);
  });

  it('reads the items of one location', async () => {
    const res = await client.call('GET', '/v3/inventory/locations/2/items?variant_id:in=201,203');
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toEqual({
      identity: { sku: 'JKT-RDG-S', variant_id: 201, product_id: 113 },
      available_to_sell: 13,
      total_inventory_onhand: 13,
      settings: { safety_stock: 0, is_in_stock: true, warning_level: 0, bin_picking_number: '' },
    });
    expect((await client.call('GET', '/v3/inventory/locations/1/items?sku:in=PACK-22')).body.data[0].identity.product_id).toBe(111);
    const missing = await client.call('GET', '/v3/inventory/locations/99/items');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('updates settings at a location, which then bound relative adjustments', async () => {
    const res = await client.call('PUT', '/v3/inventory/locations/1/items', {
      settings: [
        { identity: { product_id: 111 }, safety_stock: 100, warning_level: 20, bin_picking_number: 'A-1' },
        { identity: { sku: 'JKT-RDG-L' }, is_in_stock: false },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.transaction_id).toEqual(expect.any(String));
    const pack = (await client.call('GET', '/v3/inventory/locations/1/items?product_id:in=111')).body.data[0];
    expect(pack).toMatchObject({ available_to_sell: 20, total_inventory_onhand: 120, settings: { safety_stock: 100, warning_level: 20, bin_picking_number: 'A-1' } });
    expect((await client.call('GET', '/v3/inventory/locations/1/items?variant_id:in=203')).body.data[0].settings.is_in_stock).toBe(false);
    await waitForEvent('store/channel/1/inventory/product/settings_changed', (d) => d.product_id === 111 && d.location_id === 1);
    expect((await relative([{ location_id: 1, product_id: 111, quantity: -21 }])).status).toBe(422);

    const none = await client.call('PUT', '/v3/inventory/locations/1/items', { settings: [{ identity: { product_id: 111 } }] });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual({ 'setting.0.settings': 'At least one setting must be specified: warning_level, is_in_stock or safety_stock' });
    const wrongLevel = await client.call('PUT', '/v3/inventory/locations/1/items', { settings: [{ identity: { variant_id: 1 }, safety_stock: 1 }] });
    expect(wrongLevel.status).toBe(422);
    expect(wrongLevel.body.errors['setting.0.identity']).toContain('tracked by product');
    expect((await client.call('PUT', '/v3/inventory/locations/99/items', { settings: [{ identity: { product_id: 111 }, safety_stock: 1 }] })).status).toBe(404);
  });
});

describe('locations', () => {
  const address = {
    address1: '5 Harbor Rd',
    city: 'Portland',
    state: 'Oregon',
    zip: '97201',
    email: 'portland@example.com',
    geo_coordinates: { latitude: 45.5, longitude: -122.6 },
    country_code: 'US',
  };

  it('lists locations with filters', async () => {
    const ids = async (query: string) => (await client.call('GET', `/v3/inventory/locations?${query}`)).body.data.map((l: Json) => l.id);
    const all = await client.call('GET', '/v3/inventory/locations');
    expect(all.status).toBe(200);
    expect(all.body.data[0]).toMatchObject({ id: 1, code: 'BC-LOCATION-1', label: 'Austin warehouse', type_id: 'PHYSICAL', enabled: true, managed_by_external_source: false });
    expect(await ids('is_default=true')).toEqual([1]);
    expect(await ids('location_id:in=2')).toEqual([2]);
    expect(await ids('location_code:in=RENO-3PL,BC-LOCATION-1')).toEqual([1, 2]);
    expect(await ids('storefront_visibility=false')).toEqual([2]);
    expect(await ids('type_id:in=VIRTUAL')).toEqual([]);
  });

  it('creates and updates locations, answering a transaction id, and stock can then be kept there', async () => {
    const code = unique('PDX');
    const created = await client.call('POST', '/v3/inventory/locations', [{ code, label: 'Portland store', time_zone: 'America/Los_Angeles', address }]);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ transaction_id: expect.any(String) });
    const [location] = (await client.call('GET', `/v3/inventory/locations?location_code:in=${code}`)).body.data;
    expect(location).toMatchObject({ code, label: 'Portland store', enabled: true, type_id: 'PHYSICAL', address: { city: 'Portland' } });
    expect(await waitForEvent('store/inventory/location/created', (d) => d.location_id === location.id)).toEqual({ location_id: location.id });

    expect((await client.call('POST', '/v3/inventory/locations', [{ code, label: 'Again', time_zone: 'Etc/UTC', address }])).status).toBe(422);
    const noAddress = await client.call('POST', '/v3/inventory/locations', [{ label: 'Nowhere', time_zone: 'Etc/UTC' }]);
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.errors).toMatchObject({ '0.address': 'error.path.missing' });

    const updated = await client.call('PUT', '/v3/inventory/locations', [{ id: location.id, label: 'Portland flagship', storefront_visibility: false }]);
    expect(updated.status).toBe(200);
    expect((await client.call('GET', `/v3/inventory/locations?location_id:in=${location.id}`)).body.data[0]).toMatchObject({
      label: 'Portland flagship',
      storefront_visibility: false,
    });
    await waitForEvent('store/inventory/location/updated', (d) => d.location_id === location.id);
    expect((await client.call('PUT', '/v3/inventory/locations', [{ id: 999, label: 'x' }])).status).toBe(422);
    expect((await client.call('PUT', '/v3/inventory/locations', [{ label: 'no id' }])).status).toBe(422);

    expect((await absolute([{ location_id: location.id, product_id: 114, quantity: 4 }])).status).toBe(200);
    await eventually(async () => ((await onHand(location.id, 'product_id:in=114')) === 4 ? true : undefined), 'stock at the new location');
    const items = (await client.call('GET', '/v3/inventory/items?product_id:in=114')).body.data[0].locations;
    expect(items.map((l: Json) => l.location_id)).toContain(location.id);
  });
});
