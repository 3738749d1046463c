import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOrderBody } from '../../demo-orders';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { eventually } from '../support/eventually';
import { ConformanceClient, recordConformance } from './harness';
import type { Json } from '../support/json';

/**
 * Store information and Orders V2 against BigCommerce's specs (store_information.v2.yml,
 * orders.v2.oas2.yml) and the behaviour FACTS.md sections 6 and 15 describe: every JSON response
 * is schema-checked by the harness; the tests assert what the schemas cannot say.
 */

let s: RunningSandboxes;
let client: ConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
recordConformance('orders', () => client);

const MONEY = /^-?\d+\.\d{4}$/;
const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false, settings: { taxRate: 0.08 } } });
  client = new ConformanceClient(s.bcUrl, 'sandbox', 'sandbox-token');
  receiver = await startReceiver();
  for (const scope of ['store/order/*', 'store/shipment/*', 'store/product/*', 'store/sku/*']) {
    expect((await client.call('POST', '/v3/hooks', { scope, destination: receiver.url })).status).toBe(200);
  }
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

const delivered = (scope: string, match: (data: Json) => boolean = () => true) =>
  eventually(() => receiver.received.find((r) => r.body?.scope === scope && match(r.body.data))?.body.data, `${scope} delivered`, 5_000);
const deliveredAll = (scope: string, match: (data: Json) => boolean) => receiver.received.filter((r) => r.body?.scope === scope && match(r.body.data)).map((r) => r.body.data);
const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
  const res = await fetch(`${s.bcUrl}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
};
const onHand = (locationId: number, variantId: number) => s.bigcommerce.ctx.data.inventory[`${locationId}:${variantId}`]!.onHand;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const address = {
  first_name: 'Jane',
  last_name: 'Doe',
  company: '',
  street_1: '555 East Street',
  street_2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78108',
  country: 'United States',
  country_iso2: 'US',
  phone: '5125550100',
  email: 'jane.doe@example.com',
};
const createOrder = async (body: Record<string, unknown>) => {
  const res = await client.call('POST', '/v2/orders', { billing_address: address, status_id: 11, payment_method: 'Credit Card', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('store information (store_information.v2.yml)', () => {
  it('GET /v2/store describes this store, consistent with its hash, id and plan', async () => {
    const res = await client.call('GET', '/v2/store');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'sandbox', store_id: 1000001, status: 'live', currency: 'USD', plan_name: 'Standard', default_channel_id: 1 });
    expect(res.body.control_panel_base_url).toBe('https://store-sandbox.mybigcommerce.com');
    expect(res.body.timezone.name).toBe('America/Chicago');
  });

  it('GET /v2/time is the store clock in Unix seconds', async () => {
    const res = await client.call('GET', '/v2/time');
    expect(res.status).toBe(200);
    expect(Math.abs(res.body.time - Date.now() / 1000)).toBeLessThan(5);
    expect(Number.isInteger(res.body.time)).toBe(true);
  });

  it('refuses a request without a valid token with a V2 error array', async () => {
    const res = await client.call('GET', '/v2/store', undefined, { token: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual([{ status: 401, message: expect.any(String) }]);
  });
});

describe('order statuses', () => {
  it('lists the 15 system statuses with descriptions and display order, and one by id', async () => {
    const res = await client.call('GET', '/v2/order_statuses');
    expect(res.body.map((s: { id: number }) => s.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(res.body.every((s: { system_description: string }) => s.system_description.length > 10)).toBe(true);
    expect(res.body.find((s: { id: number }) => s.id === 2)).toMatchObject({ name: 'Shipped', order: 8 });
    const one = await client.call('GET', '/v2/order_statuses/14');
    expect(one.body).toMatchObject({ id: 14, name: 'Partially Refunded', system_label: 'Partially Refunded' });
  });
});

describe('POST /v2/orders', () => {
  it('creates an order with V2 types, takes tracked stock at the order location and fires the events', async () => {
    const daypack = onHand(1, 1);
    const jacketM = onHand(1, 202);
    const order = await createOrder(demoOrderBody(0));
    expect(order.total_inc_tax).toMatch(MONEY);
    expect(order.date_created).toMatch(RFC2822);
    expect(order).toMatchObject({ status_id: 11, status: 'Awaiting Fulfillment', payment_status: 'captured', items_total: 4, is_deleted: false, order_is_digital: false });
    expect(order.products.resource).toBe(`/orders/${order.id}/products`);
    await delivered('store/order/created', (d) => d.id === order.id);
    expect(onHand(1, 1)).toBe(daypack - 1);
    expect(onHand(1, 202)).toBe(jacketM);
    const stock = await delivered('store/product/inventory/order/updated', (d) => d.id === 111 && d.inventory.value === -1);
    expect(stock).toEqual({ type: 'product', id: 111, inventory: { product_id: 111, method: 'relative', value: -1 } });
  });

  it('takes variant stock and fires the sku event for products tracked by variant', async () => {
    const before = onHand(1, 203);
    const order = await createOrder({ products: [{ product_id: 113, variant_id: 203, quantity: 2 }] });
    expect(onHand(1, 203)).toBe(before - 2);
    const line = (await client.call('GET', `/v2/orders/${order.id}/products`)).body[0];
    expect(line).toMatchObject({ sku: 'JKT-RDG-L', variant_id: 203, price_ex_tax: '154.0000', price_inc_tax: '166.3200', total_inc_tax: '332.6400' });
    expect(line.product_options[0]).toMatchObject({ display_name: 'Size', display_value: 'L' });
    await delivered('store/sku/inventory/order/updated', (d) => d.id === 203 && d.inventory.value === -2);
  });

  it('refuses an order the stock location cannot fill, changing nothing', async () => {
    const before = onHand(1, 6);
    const count = (await client.call('GET', '/v2/orders/count')).body.count;
    const res = await client.call('POST', '/v2/orders', { billing_address: address, products: [{ product_id: 116, quantity: before }] });
    expect(res.status).toBe(400);
    expect(res.body[0].message).toContain("SKU 'POLE-CF'");
    expect(onHand(1, 6)).toBe(before);
    expect((await client.call('GET', '/v2/orders/count')).body.count).toBe(count);
  });

  it('rejects bad bodies with 400 naming the field, and read-only fields with BigCommerce message', async () => {
    const noZip = await client.call('POST', '/v2/orders', { billing_address: { ...address, zip: '' }, products: [{ product_id: 111, quantity: 1 }] });
    expect(noZip.status).toBe(400);
    expect(noZip.body[0]).toMatchObject({ status: 400, message: expect.stringContaining("'billing_address.zip'") });
    const readOnly = await client.call('POST', '/v2/orders', { billing_address: address, products: [{ product_id: 111, quantity: 1 }], items_total: 3 });
    expect(readOnly.body).toEqual([{ status: 400, message: "The field 'items_total' cannot be written to. Please remove it from your request before trying again." }]);
    const badQty = await client.call('POST', '/v2/orders', { billing_address: address, products: [{ product_id: 111, quantity: 0 }] });
    expect(badQty.body[0].message).toContain("'products.0.quantity'");
    const unknownProduct = await client.call('POST', '/v2/orders', { billing_address: address, products: [{ product_id: 9999, quantity: 1 }] });
    expect(unknownProduct.body[0].message).toContain('9999');
    const needsVariant = await client.call('POST', '/v2/orders', { billing_address: address, products: [{ product_id: 113, quantity: 1 }] });
    expect(needsVariant.status).toBe(400);
    const noProducts = await client.call('POST', '/v2/orders', { billing_address: address, products: [] });
    expect(noProducts.status).toBe(400);
    const unknownCustomer = await client.call('POST', '/v2/orders', { billing_address: address, customer_id: 4242, products: [{ product_id: 111, quantity: 1 }] });
    expect(unknownCustomer.status).toBe(400);
  });

  it('accepts product_options instead of variant_id, custom products, and billing form fields', async () => {
    const order = await createOrder({
      billing_address: {
        ...address,
        form_fields: [
          { name: 'PO Number', value: 'PO-7' },
          { name: 'Sizes', value: ['S', 'M'] },
          { name: 'Seats', value: 3 },
        ],
      },
      products: [
        { product_id: 113, quantity: 1, product_options: [{ id: 50, value: '261' }] },
        { name: 'Engraving', quantity: 1, price_ex_tax: 10, price_inc_tax: 10.8, sku: 'ENGRAVE' },
      ],
    });
    expect(order.billing_address.form_fields).toEqual([
      { name: 'PO Number', value: 'PO-7' },
      { name: 'Sizes', value: ['S', 'M'] },
      { name: 'Seats', value: 3 },
    ]);
    const lines = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    expect(lines.map((l: { sku: string }) => l.sku)).toEqual(['JKT-RDG-S', 'ENGRAVE']);
    expect(lines[1]).toMatchObject({ product_id: 0, variant_id: 0, price_inc_tax: '10.8000' });
  });

  it('keeps several shipping addresses: the V2 POST ships every product to the first one', async () => {
    const order = await createOrder({
      shipping_addresses: [
        { ...address, shipping_method: 'UPS Ground', form_fields: [{ name: 'Gate code', value: '4411' }] },
        { ...address, first_name: 'Sam', street_1: '7 Orchard Lane', shipping_method: 'Free Shipping' },
      ],
      products: [{ product_id: 112, quantity: 2 }],
      shipping_cost_ex_tax: 9.5,
      shipping_cost_inc_tax: 10.26,
    });
    expect(order.shipping_address_count).toBe(2);
    const list = await client.call('GET', `/v2/orders/${order.id}/shipping_addresses`);
    expect(list.body).toHaveLength(2);
    expect(list.body[0]).toMatchObject({ items_total: 2, cost_inc_tax: '10.2600', shipping_method: 'UPS Ground', form_fields: [{ name: 'Gate code', value: '4411' }] });
    expect(list.body[1]).toMatchObject({ items_total: 0, first_name: 'Sam', cost_inc_tax: '0.0000' });
    const one = await client.call('GET', `/v2/orders/${order.id}/shipping_addresses/${list.body[1].id}`);
    expect(one.body.id).toBe(list.body[1].id);
    expect((await client.call('GET', `/v2/orders/${order.id}/shipping_addresses/999999`)).status).toBe(404);
    const full = await client.call('GET', `/v2/orders/${order.id}?include=consignments.line_items&consignment_structure=object`);
    expect(full.body.consignments.shipping.map((c: { line_items: unknown[] }) => c.line_items.length)).toEqual([1, 0]);
  });

  it('puts digital products in consignments.downloads; a digital-only order has no shipping address', async () => {
    const order = await createOrder({ products: [{ product_id: 117, quantity: 1 }], status_id: 10 });
    const full = await client.call('GET', `/v2/orders/${order.id}?include=consignments.line_items&consignment_structure=object`);
    expect(full.body).toMatchObject({ order_is_digital: true, shipping_address_count: 0 });
    expect(full.body.consignments.shipping).toEqual([]);
    expect(full.body.consignments.downloads).toHaveLength(1);
    expect(full.body.consignments.downloads[0]).toMatchObject({
      recipient_email: address.email,
      line_items: [expect.objectContaining({ sku: 'MAP-PDF', type: 'digital', order_address_id: 0 })],
    });
    expect((await client.call('GET', `/v2/orders/${order.id}/shipping_addresses`)).status).toBe(204);
    const consignments = await client.call('GET', `/v2/orders/${order.id}/consignments`);
    expect(consignments.body.downloads[0].line_items[0].resource).toMatch(/^\/orders\/\d+\/products\/\d+$/);
  });

  it('spreads an order discount over the lines and taxes the discounted amount', async () => {
    const order = await createOrder({
      products: [
        { product_id: 111, quantity: 1 },
        { product_id: 114, quantity: 2 },
      ],
      discount_amount: 10,
    });
    expect(order.discount_amount).toBe('10.0000');
    const lines = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    const discounts = lines.map((l: { applied_discounts: Array<{ amount: string }> }) => Number(l.applied_discounts[0]!.amount));
    expect(discounts.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(10, 4);
    expect(lines[0].applied_discounts[0]).toMatchObject({ id: 'manual-discount', name: 'Manual Discount', code: null, target: 'order' });
    // 79 + 69 = 148 ex, less 10 = 138 ex, taxed at 8% = 11.04.
    expect(order).toMatchObject({ subtotal_ex_tax: '148.0000', total_ex_tax: '138.0000', total_tax: '11.0400', total_inc_tax: '149.0400' });
  });
});

describe('GET /v2/orders and /v2/orders/count', () => {
  const ids: number[] = [];
  let firstCreated = '';
  beforeAll(async () => {
    const bodies = [
      { customer_id: 11, products: [{ product_id: 112, quantity: 1 }], status_id: 11, external_order_id: 'ERP-A1' },
      {
        customer_id: 27,
        billing_address: { ...address, email: 'amara@okafor.example' },
        products: [{ product_id: 111, quantity: 2 }],
        status_id: 7,
        payment_method: 'Bank Deposit',
        channel_id: 2,
      },
      { customer_id: 31, billing_address: { ...address, email: 'kenji@summit-supply.example' }, products: [{ product_id: 114, quantity: 1 }], status_id: 9, channel_id: 2 },
    ];
    for (const body of bodies) {
      const o = await createOrder(body);
      ids.push(o.id);
      if (!firstCreated) firstCreated = o.date_created;
      await sleep(1_050); // V2 dates have whole seconds
    }
  });

  const list = async (query: string) => {
    const res = await client.call('GET', `/v2/orders?${query}`);
    return { status: res.status, ids: res.status === 200 ? (res.body as Array<{ id: number }>).map((o) => o.id) : [], body: res.body };
  };

  it('filters by id, total, customer, email, status, payment method, channel and external id', async () => {
    const [a, b, c] = ids as [number, number, number];
    expect((await list(`min_id=${b}&max_id=${c}`)).ids).toEqual([b, c]);
    expect((await list(`customer_id=27`)).ids).toEqual([b]);
    expect((await list(`email=KENJI@summit-supply.example`)).ids).toEqual([c]);
    expect((await list(`status_id=7`)).ids).toEqual([b]);
    expect((await list(`payment_method=Bank%20Deposit`)).ids).toEqual([b]);
    expect((await list(`channel_id=2`)).ids).toEqual([b, c]);
    expect((await list(`external_order_id=ERP-A1`)).ids).toEqual([a]);
    // totals: a = 19 * 1.08 = 20.52; b = 158 * 1.08 = 170.64; c = 34.5 * 1.08 = 37.26
    expect((await list(`min_id=${a}&min_total=20.52&max_total=37.26`)).ids).toEqual([a, c]);
    expect((await list(`min_id=${a}&min_total=170.65`)).status).toBe(204);
  });

  it('filters by creation and modification dates in RFC-2822 and ISO-8601, inclusive', async () => {
    const [a, b, c] = ids as [number, number, number];
    const created = (await client.call('GET', `/v2/orders/${b}`)).body.date_created as string;
    expect((await list(`min_id=${a}&min_date_created=${encodeURIComponent(created)}`)).ids).toEqual([b, c]);
    expect((await list(`min_id=${a}&max_date_created=${encodeURIComponent(created)}`)).ids).toEqual([a, b]);
    const iso = new Date(Date.parse(created)).toISOString();
    expect((await list(`min_id=${a}&min_date_created=${encodeURIComponent(iso)}&max_date_created=${encodeURIComponent(iso)}`)).ids).toEqual([b]);
    const modified = (await client.call('GET', `/v2/orders/${c}`)).body.date_modified as string;
    expect((await list(`min_id=${a}&min_date_modified=${encodeURIComponent(modified)}`)).ids).toEqual([c]);
    expect((await list(`min_id=${a}&max_date_modified=${encodeURIComponent(firstCreated)}`)).ids).toEqual([a]);
    expect((await list('min_date_created=yesterday')).status).toBe(400);
  });

  it('sorts by each documented field, ascending or descending, by id by default', async () => {
    const [a, b, c] = ids as [number, number, number];
    const range = `min_id=${a}&max_id=${c}`;
    expect((await list(range)).ids).toEqual([a, b, c]);
    expect((await list(`${range}&sort=id:desc`)).ids).toEqual([c, b, a]);
    expect((await list(`${range}&sort=customer_id:desc`)).ids).toEqual([c, b, a]);
    expect((await list(`${range}&sort=date_created:desc`)).ids).toEqual([c, b, a]);
    expect((await list(`${range}&sort=date_modified:asc`)).ids).toEqual([a, b, c]);
    expect((await list(`${range}&sort=status_id`)).ids).toEqual([b, c, a]);
    expect((await list(`${range}&sort=channel_id:desc`)).ids).toEqual([b, c, a]);
    expect((await list(`${range}&sort=external_id:asc`)).ids).toEqual([a, b, c]);
    const bad = await list('sort=total:asc');
    expect(bad.status).toBe(400);
    expect(bad.body[0].message).toContain('total:asc');
  });

  it('pages with page and limit (50 by default), answers 204 with no body past the end, and clamps limit to the maximum', async () => {
    const all = (await list('limit=250')).ids;
    expect(all.length).toBeGreaterThan(3);
    expect((await list('')).ids).toEqual(all.slice(0, 50));
    expect((await list('limit=2&page=2')).ids).toEqual(all.slice(2, 4));
    const past = await client.call('GET', `/v2/orders?limit=2&page=${Math.ceil(all.length / 2) + 1}`);
    expect(past.status).toBe(204);
    expect(past.body).toBeUndefined();
    expect((await list('limit=0')).status).toBe(400);
    expect((await list('page=abc')).status).toBe(400);
    await control('PUT', '/settings', { v2MaxLimit: 2 });
    try {
      expect((await list('limit=5')).ids).toEqual(all.slice(0, 2));
    } finally {
      await control('PUT', '/settings', { v2MaxLimit: 250 });
    }
  });

  it('side-loads consignments with expanded line items for every order of a page', async () => {
    const [a, , c] = ids as [number, number, number];
    const res = await client.call('GET', `/v2/orders?min_id=${a}&max_id=${c}&include=consignments.line_items&consignment_structure=object`);
    expect(res.body).toHaveLength(3);
    for (const o of res.body) {
      expect(o.consignments.shipping).toHaveLength(1);
      expect(o.consignments.shipping[0].line_items[0]).toMatchObject({ order_id: o.id, price_ex_tax: expect.stringMatching(MONEY) });
    }
    const links = await client.call('GET', `/v2/orders?min_id=${a}&max_id=${a}`);
    expect(links.body[0].consignments.resource).toBe(`/orders/${a}/consignments`);
  });

  it('counts orders by status per ordersCount_Full, with the same filters', async () => {
    const res = await client.call('GET', '/v2/orders/count');
    expect(res.body.statuses).toHaveLength(15);
    expect(res.body.statuses.map((s: { sort_order: number }) => s.sort_order)).toEqual([...Array(15).keys()]);
    expect(res.body.statuses.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(res.body.count);
    const filtered = await client.call('GET', '/v2/orders/count?channel_id=2');
    expect(filtered.body.count).toBe(2);
    expect(filtered.body.statuses.find((s: { id: number }) => s.id === 7).count).toBe(1);
    expect(filtered.body.statuses.find((s: { id: number }) => s.id === 9).count).toBe(1);
  });
});

describe('order products', () => {
  it('lists 50 lines by default, pages the rest, 204 past the end; one line by id', async () => {
    const products = Array.from({ length: 55 }, (_, i) => ({ name: `Patch ${i + 1}`, quantity: 1, price_ex_tax: 2, price_inc_tax: 2.16, sku: `PATCH-${i + 1}` }));
    const order = await createOrder({ products });
    const first = await client.call('GET', `/v2/orders/${order.id}/products`);
    expect(first.body).toHaveLength(50);
    expect(first.body[0].sku).toBe('PATCH-1');
    const second = await client.call('GET', `/v2/orders/${order.id}/products?page=2`);
    expect(second.body.map((l: { sku: string }) => l.sku)).toEqual(['PATCH-51', 'PATCH-52', 'PATCH-53', 'PATCH-54', 'PATCH-55']);
    expect((await client.call('GET', `/v2/orders/${order.id}/products?page=3`)).status).toBe(204);
    expect((await client.call('GET', `/v2/orders/${order.id}/products?limit=10&page=6`)).body).toHaveLength(5);
    const one = await client.call('GET', `/v2/orders/${order.id}/products/${second.body[0].id}`);
    expect(one.body).toMatchObject({ id: second.body[0].id, order_id: order.id, sku: 'PATCH-51' });
    expect((await client.call('GET', `/v2/orders/${order.id}/products/1`)).status).toBe(404);
    expect((await client.call('GET', `/v2/orders/999999/products`)).status).toBe(404);
    expect((await client.call('GET', `/v2/orders/999999`)).body).toEqual([{ status: 404, message: 'The requested resource was not found.' }]);
  });
});

describe('PUT /v2/orders/{id}', () => {
  it('changes only the fields sent, bumps date_modified and fires store/order/updated', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }], customer_message: 'hello' });
    await sleep(1_050);
    const res = await client.call('PUT', `/v2/orders/${order.id}`, { staff_notes: 'Packed by Ana' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ staff_notes: 'Packed by Ana', customer_message: 'hello', status_id: 11, total_inc_tax: order.total_inc_tax });
    expect(res.body.date_modified).not.toBe(order.date_modified);
    expect(res.body.date_created).toBe(order.date_created);
    await delivered('store/order/updated', (d) => d.id === order.id);
    expect(deliveredAll('store/order/statusUpdated', (d) => d.id === order.id)).toEqual([]);
  });

  it('a status change fires statusUpdated with both ids, then updated', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    const res = await client.call('PUT', `/v2/orders/${order.id}`, { status_id: 9 });
    expect(res.body).toMatchObject({ status_id: 9, status: 'Awaiting Shipment' });
    const event = await delivered('store/order/statusUpdated', (d) => d.id === order.id);
    expect(event).toEqual({ type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 9 } });
    await delivered('store/order/updated', (d) => d.id === order.id);
  });

  it('adds, updates and removes lines like PATCH, clearing discounts on the lines it touches and moving stock', async () => {
    const order = await createOrder({
      products: [
        { product_id: 111, quantity: 1 },
        { product_id: 114, quantity: 2 },
        { product_id: 115, quantity: 1 },
      ],
      discount_amount: 12,
    });
    const [pack, mug, lamp] = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    const mugStock = onHand(1, 4);
    const lampStock = onHand(1, 5);
    const sockStock = onHand(1, 2);
    const res = await client.call('PUT', `/v2/orders/${order.id}`, {
      products: [
        { id: mug.id, quantity: 3 },
        { id: lamp.id, quantity: 0 },
        { product_id: 112, quantity: 2 },
        { name: 'Gift note', quantity: 1, price_ex_tax: 1, price_inc_tax: 1.08 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const lines = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    expect(lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ['PACK-22', 1],
      ['MUG-TI', 3],
      ['SOCK-MER', 2],
      ['', 1],
    ]);
    expect(lines[0].applied_discounts).toHaveLength(1); // untouched line keeps its share
    expect(lines[1].applied_discounts).toEqual([]);
    expect(res.body.discount_amount).toBe(pack.applied_discounts[0].amount);
    expect(onHand(1, 4)).toBe(mugStock - 1);
    expect(onHand(1, 5)).toBe(lampStock + 1);
    expect(onHand(1, 2)).toBe(sockStock - 2);
  });

  it('changes billing and shipping addresses in place, without repricing', async () => {
    const order = await createOrder({
      products: [{ product_id: 112, quantity: 1 }],
      shipping_addresses: [{ ...address, shipping_method: 'UPS Ground' }],
      shipping_cost_ex_tax: 5,
      shipping_cost_inc_tax: 5.4,
    });
    const [shipTo] = (await client.call('GET', `/v2/orders/${order.id}/shipping_addresses`)).body;
    const res = await client.call('PUT', `/v2/orders/${order.id}`, {
      billing_address: { street_1: '1 New Street', form_fields: [{ name: 'VAT', value: 'X1' }] },
      shipping_addresses: [{ id: shipTo.id, city: 'Dallas', zip: '75201' }],
    });
    expect(res.body.billing_address).toMatchObject({ street_1: '1 New Street', city: 'Austin', form_fields: [{ name: 'VAT', value: 'X1' }] });
    expect(res.body.total_inc_tax).toBe(order.total_inc_tax);
    const after = await client.call('GET', `/v2/orders/${order.id}/shipping_addresses/${shipTo.id}`);
    expect(after.body).toMatchObject({ city: 'Dallas', zip: '75201', street_1: address.street_1, cost_inc_tax: '5.4000' });
  });

  it('rejects read-only and unknown fields, unknown lines and impossible quantities with 400, changing nothing', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    const readOnly = await client.call('PUT', `/v2/orders/${order.id}`, { payment_status: 'refunded' });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body).toEqual([{ status: 400, message: "The field 'payment_status' cannot be written to. Please remove it from your request before trying again." }]);
    expect((await client.call('PUT', `/v2/orders/${order.id}`, { status_id: 15 })).body[0].message).toContain("'status_id'");
    expect((await client.call('PUT', `/v2/orders/${order.id}`, { no_such_field: 1 })).body[0].message).toContain("'no_such_field'");
    expect((await client.call('PUT', `/v2/orders/${order.id}`, { products: [{ id: 1, quantity: 2 }] })).status).toBe(400);
    expect((await client.call('PUT', `/v2/orders/${order.id}`, { staff_notes: 'x', products: [{ product_id: 116, quantity: 10_000 }] })).status).toBe(400);
    expect((await client.call('GET', `/v2/orders/${order.id}`)).body.staff_notes).toBe('');
    expect((await client.call('PUT', '/v2/orders/999999', { staff_notes: 'x' })).status).toBe(404);
  });
});

describe('DELETE /v2/orders/{id} (archive)', () => {
  it('archives: 204, is_deleted, store/order/archived, and out of the default list and count', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    const countBefore = (await client.call('GET', '/v2/orders/count')).body.count;
    const res = await client.call('DELETE', `/v2/orders/${order.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await client.call('GET', `/v2/orders/${order.id}`)).body.is_deleted).toBe(true);
    await delivered('store/order/archived', (d) => d.id === order.id);
    expect((await client.call('GET', `/v2/orders?min_id=${order.id}&max_id=${order.id}`)).status).toBe(204);
    const archived = await client.call('GET', `/v2/orders?is_deleted=true&min_id=${order.id}`);
    expect(archived.body.map((o: { id: number }) => o.id)).toEqual([order.id]);
    expect((await client.call('GET', '/v2/orders/count')).body.count).toBe(countBefore - 1);
    expect((await client.call('DELETE', '/v2/orders/999999')).status).toBe(404);
  });

  it('PUT is_deleted: true archives the same way', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    expect((await client.call('PUT', `/v2/orders/${order.id}`, { is_deleted: true })).body.is_deleted).toBe(true);
    await delivered('store/order/archived', (d) => d.id === order.id);
  });
});

describe('shipments', () => {
  it('ships part, then the rest: 201, tracking link, quantities, statuses 3 then 2, date_shipped and events', async () => {
    const order = await createOrder({
      products: [
        { product_id: 111, quantity: 2 },
        { product_id: 117, quantity: 1 },
        { product_id: 114, quantity: 1 },
      ],
    });
    const [pack, map, mug] = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    const [shipTo] = (await client.call('GET', `/v2/orders/${order.id}/shipping_addresses`)).body;
    const none = await client.call('GET', `/v2/orders/${order.id}/shipments`);
    expect(none.status).toBe(204);
    expect(none.body).toBeUndefined();

    const first = await client.call('POST', `/v2/orders/${order.id}/shipments`, {
      order_address_id: shipTo.id,
      items: [{ order_product_id: pack.id, quantity: 1 }],
      tracking_number: 'EJ958083578US',
      shipping_provider: 'usps',
      comments: 'First box',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      order_id: order.id,
      order_address_id: shipTo.id,
      customer_id: 0,
      items: [{ order_product_id: pack.id, product_id: 111, quantity: 1 }],
      shipping_provider_display_name: 'USPS',
      tracking_link: '',
      generated_tracking_link: expect.stringContaining('EJ958083578US'),
      shipping_address: expect.objectContaining({ street_1: address.street_1 }),
    });
    expect(first.body.date_created).toMatch(RFC2822);
    expect(await delivered('store/shipment/created', (d) => d.orderId === order.id)).toEqual({ type: 'shipment', id: first.body.id, orderId: order.id });
    expect(await delivered('store/order/statusUpdated', (d) => d.id === order.id)).toEqual({ type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 3 } });
    let now = (await client.call('GET', `/v2/orders/${order.id}`)).body;
    expect(now).toMatchObject({ status_id: 3, items_shipped: 1, date_shipped: '' });

    const overShip = await client.call('POST', `/v2/orders/${order.id}/shipments`, { order_address_id: shipTo.id, items: [{ order_product_id: pack.id, quantity: 2 }] });
    expect(overShip.status).toBe(400);
    expect(overShip.body[0].message).toContain('1 left to ship');
    const digital = await client.call('POST', `/v2/orders/${order.id}/shipments`, { order_address_id: shipTo.id, items: [{ order_product_id: map.id, quantity: 1 }] });
    expect(digital.body[0].message).toContain('digital');

    const rest = await client.call('POST', `/v2/orders/${order.id}/shipments`, {
      order_address_id: shipTo.id,
      items: [
        { order_product_id: pack.id, quantity: 1 },
        { order_product_id: mug.id, quantity: 1 },
      ],
      tracking_number: '1Z999',
      tracking_link: 'https://track.example/1Z999',
      shipping_provider: 'carrier_42',
    });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ tracking_link: 'https://track.example/1Z999', generated_tracking_link: '' });
    now = (await client.call('GET', `/v2/orders/${order.id}?include=consignments&consignment_structure=object`)).body;
    expect(now).toMatchObject({ status_id: 2, status: 'Shipped', items_shipped: 3 });
    expect(now.date_shipped).toMatch(RFC2822);
    expect(now.consignments.shipping[0]).toMatchObject({ items_total: 3, items_shipped: 3 });
    await delivered('store/order/statusUpdated', (d) => d.id === order.id && d.status.new_status_id === 2);
    const lines = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    expect(lines.map((l: { quantity_shipped: number }) => l.quantity_shipped)).toEqual([2, 0, 1]);

    const listed = await client.call('GET', `/v2/orders/${order.id}/shipments`);
    expect(listed.body.map((x: { id: number }) => x.id)).toEqual([first.body.id, rest.body.id]);
    expect((await client.call('GET', `/v2/orders/${order.id}/shipments?page=2`)).status).toBe(204);
    expect((await client.call('GET', `/v2/orders/${order.id}/shipments/${first.body.id}`)).body.comments).toBe('First box');
    expect((await client.call('GET', `/v2/orders/${order.id}/shipments/999999`)).status).toBe(404);
    expect((await client.call('GET', `/v2/orders/${order.id}/shipments/count`)).body).toEqual({ count: 2 });
  });

  it('updates and deletes a shipment; deleting does not take the order out of Shipped', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    const [line] = (await client.call('GET', `/v2/orders/${order.id}/products`)).body;
    const shipment = (
      await client.call('POST', `/v2/orders/${order.id}/shipments`, { order_address_id: line.order_address_id, items: [{ order_product_id: line.id, quantity: 1 }] })
    ).body;
    const updated = await client.call('PUT', `/v2/orders/${order.id}/shipments/${shipment.id}`, { tracking_number: '794698', shipping_provider: 'fedex' });
    expect(updated.body).toMatchObject({ tracking_number: '794698', shipping_provider: 'fedex', generated_tracking_link: expect.stringContaining('fedex.com') });
    await delivered('store/shipment/updated', (d) => d.id === shipment.id);
    expect((await client.call('DELETE', `/v2/orders/${order.id}/shipments/${shipment.id}`)).status).toBe(204);
    await delivered('store/shipment/deleted', (d) => d.id === shipment.id && d.orderId === order.id);
    const after = (await client.call('GET', `/v2/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status_id: 2, items_shipped: 0 });
    expect((await client.call('GET', `/v2/orders/${order.id}/shipments`)).status).toBe(204);
  });

  it('rejects a foreign address, lines of another address, bad providers and missing fields', async () => {
    const ids = (await control('POST', '/orders/generate', { count: 1, seed: 7, multi_address: true, lines: 2, digital: false, gift_certificate: false })).body.ids as number[];
    const order = (await client.call('GET', `/v2/orders/${ids[0]}?include=consignments.line_items&consignment_structure=object`)).body;
    const [home, away] = order.consignments.shipping;
    expect(home.line_items).toHaveLength(1);
    expect(away.line_items).toHaveLength(1);
    const post = (body: unknown) => client.call('POST', `/v2/orders/${order.id}/shipments`, body);
    expect((await post({ order_address_id: 1, items: [{ order_product_id: home.line_items[0].id, quantity: 1 }] })).body[0].message).toContain('order_address_id');
    expect((await post({ order_address_id: home.id, items: [{ order_product_id: away.line_items[0].id, quantity: 1 }] })).body[0].message).toContain(`not to address ${home.id}`);
    expect((await post({ order_address_id: home.id, items: [{ order_product_id: home.line_items[0].id, quantity: 1 }], shipping_provider: 'pigeon' })).body[0].message).toContain(
      "'shipping_provider'",
    );
    expect((await post({ items: [{ order_product_id: home.line_items[0].id, quantity: 1 }] })).body[0].message).toContain("'order_address_id'");
    expect((await post({ order_address_id: home.id, items: [] })).status).toBe(400);
    const ok = await post({
      order_address_id: away.id,
      items: [{ order_product_id: away.line_items[0].id, quantity: away.line_items[0].quantity }],
      tracking_number: 'X1',
      tracking_carrier: 'dhl',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.generated_tracking_link).toBe('https://track.aftership.com/dhl/X1');
    expect((await client.call('GET', `/v2/orders/${order.id}`)).body.status_id).toBe(3);
  });
});

describe('controls: generated storefront orders and merchant status changes', () => {
  it('generates realistic orders with every feature, placed like API orders', async () => {
    const res = await control('POST', '/orders/generate', {
      count: 4,
      seed: 42,
      b2b: true,
      multi_address: true,
      digital: true,
      gift_certificate: true,
      discount: true,
      coupon: true,
      form_fields: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.ids).toHaveLength(4);
    for (const id of res.body.ids as number[]) {
      await delivered('store/order/created', (d) => d.id === id);
      const o = (await client.call('GET', `/v2/orders/${id}?include=consignments.line_items&consignment_structure=object`)).body;
      expect([27, 31]).toContain(o.customer_id);
      expect(o.consignments.shipping).toHaveLength(2);
      expect(o.consignments.downloads[0].line_items[0].sku).toBe('MAP-PDF');
      expect(o.consignments.email.gift_certificates[0].line_items[0]).toMatchObject({ type: 'giftcertificate', gift_certificate_id: expect.any(Number) });
      expect(o.billing_address.form_fields.map((f: { name: string }) => f.name)).toContain('PO Number');
      expect(o.coupon_discount).toBe('10.0000');
      expect(Number(o.discount_amount)).toBeGreaterThan(10);
      expect(Number(o.total_tax)).toBeGreaterThan(0);
      expect(o.payment_method).toBe('Bank Deposit');
    }
    const bad = await control('POST', '/orders/generate', { count: 0 });
    expect(bad.status).toBe(400);
  });

  it('a merchant status change fires the same events as PUT', async () => {
    const order = await createOrder({ products: [{ product_id: 112, quantity: 1 }] });
    const res = await control('POST', `/orders/${order.id}/status`, { status_id: 5 });
    expect(res.body).toEqual({ id: order.id, previous_status_id: 11, status_id: 5 });
    expect(await delivered('store/order/statusUpdated', (d) => d.id === order.id)).toEqual({ type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 5 } });
    await delivered('store/order/updated', (d) => d.id === order.id);
    expect((await client.call('GET', `/v2/orders/${order.id}`)).body.status).toBe('Cancelled');
    expect((await control('POST', '/orders/999999/status', { status_id: 5 })).status).toBe(404);
  });
});
