import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { eventually } from '../support/eventually';
import { ConformanceClient, recordConformance } from './harness';
import type { Json } from '../support/json';

/**
 * Refund quotes and refunds (orders.v3.yml, Payment Actions; FACTS.md section 7) against the
 * sandbox: amounts computed from the order, the quote/refund amount rule, one refund at a time per
 * order, statuses 14 then 4, events, lists with filters, and declined refund payments.
 */

let s: RunningSandboxes;
let client: ConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
recordConformance('refunds', () => client);

const PROCESSING_MS = 400;

beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false, settings: { taxRate: 0.08 } } });
  client = new ConformanceClient(s.bcUrl, 'sandbox', 'sandbox-token');
  receiver = await startReceiver();
  expect((await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiver.url })).status).toBe(200);
  expect((await control('PUT', '/orders/settings', { refundProcessingMs: PROCESSING_MS })).body).toEqual({ refundProcessingMs: PROCESSING_MS });
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

const delivered = (scope: string, match: (data: Json) => boolean) =>
  eventually(() => receiver.received.find((r) => r.body?.scope === scope && match(r.body.data))?.body.data, `${scope} delivered`, 5_000);
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${s.bcUrl}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const onHand = (variantId: number) => s.bigcommerce.ctx.data.inventory[`1:${variantId}`]!.onHand;

const address = {
  first_name: 'Jane',
  last_name: 'Doe',
  street_1: '555 East Street',
  city: 'Austin',
  state: 'Texas',
  zip: '78108',
  country: 'United States',
  country_iso2: 'US',
  email: 'jane.doe@example.com',
};

/** 2 x Daypack (85.32 inc) + 1 x Mug (37.26 inc) + shipping 10.80 + handling 2.16 = 220.86 */
async function paidOrder(extra: Record<string, unknown> = {}) {
  const res = await client.call('POST', '/v2/orders', {
    customer_id: 11,
    status_id: 11,
    billing_address: address,
    products: [
      { product_id: 111, quantity: 2 },
      { product_id: 114, quantity: 1 },
    ],
    shipping_cost_ex_tax: 10,
    shipping_cost_inc_tax: 10.8,
    handling_cost_ex_tax: 2,
    handling_cost_inc_tax: 2.16,
    payment_method: 'Credit Card',
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.total_inc_tax).toBe(extra.products ? res.body.total_inc_tax : '220.8600');
  const lines = (await client.call('GET', `/v2/orders/${res.body.id}/products`)).body as Array<{ id: number; sku: string }>;
  const [shipTo] = (await client.call('GET', `/v2/orders/${res.body.id}/shipping_addresses`)).body as Array<{ id: number }>;
  return { id: res.body.id as number, pack: lines[0]!.id, mug: lines[1]?.id as number, addressId: shipTo!.id };
}
const quote = (orderId: number, items: unknown[]) => client.call('POST', `/v3/orders/${orderId}/payment_actions/refund_quotes`, { items });
const refund = (orderId: number, body: Record<string, unknown>) => client.call('POST', `/v3/orders/${orderId}/payment_actions/refunds`, body);

describe('refund quotes', () => {
  it('prices products (discounted, with tax), shipping and handling and offers the order payment, store credit and custom', async () => {
    const o = await paidOrder();
    const res = await quote(o.id, [
      { item_type: 'PRODUCT', item_id: o.pack, quantity: 1 },
      { item_type: 'SHIPPING', item_id: o.addressId, amount: 5 },
      { item_type: 'HANDLING', item_id: o.addressId, amount: 2.16 },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ order_id: o.id, total_refund_amount: 92.48, total_refund_tax_amount: 6.85, rounding: 0, adjustment: 0, tax_inclusive: true });
    expect(res.body.data.refund_methods.map((m: Array<{ provider_id: string }>) => m.map((p) => p.provider_id))).toEqual([['testgateway'], ['storecredit'], ['custom']]);
    expect(res.body.data.refund_methods[2][0]).toMatchObject({ amount: 92.48, offline: true, offline_provider: true });
    expect(res.body.meta).toEqual({});
  });

  it('caps an ORDER amount above what remains, with a negative adjustment', async () => {
    const o = await paidOrder();
    const res = await quote(o.id, [{ item_type: 'ORDER', item_id: o.id, amount: 250 }]);
    expect(res.body.data).toMatchObject({ total_refund_amount: 220.86, adjustment: -29.14, order_level_refund_amount: 250, total_refund_tax_amount: 0 });
  });

  it('offers an offline provider only offline, and no store credit to a guest', async () => {
    const o = await paidOrder({ customer_id: 0, payment_method: 'Bank Deposit' });
    const res = await quote(o.id, [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }]);
    expect(res.body.data.refund_methods).toEqual([
      [
        {
          provider_id: 'bankdeposit',
          provider_description: 'Bank Deposit',
          amount: 37.26,
          offline: true,
          offline_provider: true,
          offline_reason: 'This is an offline payment provider.',
        },
      ],
      [{ provider_id: 'custom', provider_description: 'Custom', amount: 37.26, offline: true, offline_provider: true, offline_reason: 'This is an offline payment provider.' }],
    ]);
  });

  it('answers invalid items and unpaid orders with a V3 422', async () => {
    const o = await paidOrder();
    const cases: Array<[unknown[], string]> = [
      [[{ item_type: 'PRODUCT', item_id: o.pack, quantity: 3 }], 'only 2 left'],
      [[{ item_type: 'PRODUCT', item_id: 424242, quantity: 1 }], 'does not exist'],
      [[{ item_type: 'PRODUCT', item_id: o.pack }], 'quantity is required'],
      [[{ item_type: 'SHIPPING', item_id: o.addressId }], 'amount is required'],
      [[{ item_type: 'SHIPPING', item_id: o.addressId, amount: 10.81 }], 'only 10.80 left'],
      [[{ item_type: 'ORDER', item_id: 1, amount: 1 }], 'must be the order id'],
      [[{ item_type: 'FEE', item_id: 1, amount: 1 }], 'no fee'],
      [[{ item_type: 'GIFT_WRAPPING', item_id: o.pack, quantity: 1 }], 'no gift wrapping'],
      [[{ item_type: 'COUPON', item_id: o.pack, quantity: 1 }], 'JSON data is missing or invalid'],
      [[], 'JSON data is missing or invalid'],
    ];
    for (const [items, message] of cases) {
      const res = await quote(o.id, items);
      expect(res.status, JSON.stringify(items)).toBe(422);
      expect(res.body).toMatchObject({ status: 422, title: expect.stringContaining(message), type: expect.any(String), errors: expect.any(Object) });
    }
    const unpaid = await paidOrder({ status_id: 7 });
    const res = await quote(unpaid.id, [{ item_type: 'PRODUCT', item_id: unpaid.pack, quantity: 1 }]);
    expect(res.status).toBe(422);
    expect(res.body.title).toContain('not paid');
    expect((await quote(999_999, [{ item_type: 'ORDER', item_id: 999_999, amount: 1 }])).status).toBe(404);
  });
});

describe('refunds', () => {
  it('refunds part (status 14), rejects a concurrent refund, then the rest (status 4), without restocking', async () => {
    const o = await paidOrder();
    const stock = onHand(1);
    const items = [
      { item_type: 'PRODUCT', item_id: o.pack, quantity: 1, reason: 'Torn strap' },
      { item_type: 'SHIPPING', item_id: o.addressId, amount: 5 },
    ];
    const quoted = (await quote(o.id, items)).body.data;
    expect(quoted.total_refund_amount).toBe(90.32);

    const mismatch = await refund(o.id, { items, payments: [{ provider_id: 'testgateway', amount: 90, offline: false }] });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.data[0]).toMatchObject({ status: 422, title: expect.stringContaining('90.32'), type: expect.any(String) });

    const first = await refund(o.id, { items, payments: [{ provider_id: 'testgateway', amount: 90.32, offline: false }] });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.data).toMatchObject({
      order_id: o.id,
      total_amount: 90.32,
      total_tax: 6.69,
      reason: 'Torn strap',
      uses_merchant_override_values: false,
      items: [
        { item_type: 'PRODUCT', item_id: o.pack, quantity: 1, reason: 'Torn strap' },
        { item_type: 'SHIPPING', item_id: o.addressId, reason: '' },
      ],
      payments: [{ provider_id: 'testgateway', amount: 90.32, offline: false, is_declined: false, declined_message: '', transaction_id: expect.any(String) }],
    });
    expect(Date.parse(first.body.data.created)).toBeGreaterThan(Date.now() - 60_000);
    const refundId = first.body.data.id as number;
    expect(await delivered('store/order/refund/created', (d) => d.id === o.id)).toEqual({ type: 'order', id: o.id, refund: { refund_id: refundId } });
    expect(await delivered('store/order/statusUpdated', (d) => d.id === o.id)).toEqual({ type: 'order', id: o.id, status: { previous_status_id: 11, new_status_id: 14 } });

    let order = (await client.call('GET', `/v2/orders/${o.id}`)).body;
    expect(order).toMatchObject({ status_id: 14, status: 'Partially Refunded', payment_status: 'partially refunded', refunded_amount: '90.3200' });
    let pack = (await client.call('GET', `/v2/orders/${o.id}/products/${o.pack}`)).body;
    expect(pack).toMatchObject({ quantity_refunded: 1, refund_amount: '85.3200', is_refunded: false });

    const rest = [
      { item_type: 'PRODUCT', item_id: o.pack, quantity: 1 },
      { item_type: 'PRODUCT', item_id: o.mug, quantity: 1 },
      { item_type: 'SHIPPING', item_id: o.addressId, amount: 5.8 },
      { item_type: 'HANDLING', item_id: o.addressId, amount: 2.16 },
    ];
    const restQuote = (await quote(o.id, rest)).body.data;
    expect(restQuote.total_refund_amount).toBe(130.54);
    const payments = [
      { provider_id: 'testgateway', amount: 100, offline: false },
      { provider_id: 'storecredit', amount: 30.54, offline: false },
    ];
    const concurrent = await refund(o.id, { items: rest, payments });
    expect(concurrent.status).toBe(422);
    expect(concurrent.body.data[0].title).toContain('already being processed');

    await sleep(PROCESSING_MS + 100);
    const second = await refund(o.id, { items: rest, payments });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.data.payments.map((p: { provider_id: string }) => p.provider_id)).toEqual(['testgateway', 'storecredit']);
    order = (await client.call('GET', `/v2/orders/${o.id}`)).body;
    expect(order).toMatchObject({ status_id: 4, status: 'Refunded', payment_status: 'refunded', refunded_amount: '220.8600' });
    await delivered('store/order/statusUpdated', (d) => d.id === o.id && d.status.previous_status_id === 14 && d.status.new_status_id === 4);
    pack = (await client.call('GET', `/v2/orders/${o.id}/products/${o.pack}`)).body;
    expect(pack).toMatchObject({ quantity_refunded: 2, refund_amount: '170.6400', is_refunded: true });
    // "you cannot return items to inventory that you refunded via API"
    expect(onHand(1)).toBe(stock);

    await sleep(PROCESSING_MS + 100);
    const more = await refund(o.id, { items: [{ item_type: 'ORDER', item_id: o.id, amount: 1 }], payments: [{ provider_id: 'custom', amount: 1, offline: true }] });
    expect(more.status).toBe(422);
  });

  it('refuses more than remains, guest store credit, online refunds for offline providers, and unknown providers', async () => {
    const o = await paidOrder({ customer_id: 0 });
    const tooMuch = await refund(o.id, { items: [{ item_type: 'ORDER', item_id: o.id, amount: 220.87 }], payments: [{ provider_id: 'custom', amount: 220.86, offline: true }] });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.data[0].title).toContain('exceeds');
    const guest = await refund(o.id, { items: [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }], payments: [{ provider_id: 'storecredit', amount: 37.26, offline: false }] });
    expect(guest.body).toEqual({ data: [expect.objectContaining({ status: 422, title: 'Unable to provide store credit for a guest customer.' })] });
    const onlineCustom = await refund(o.id, {
      items: [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }],
      payments: [{ provider_id: 'custom', amount: 37.26, offline: false }],
    });
    expect(onlineCustom.body.data[0].title).toContain('only refund offline');
    const unknown = await refund(o.id, { items: [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }], payments: [{ provider_id: 'stripe', amount: 37.26 }] });
    expect(unknown.body.data[0].title).toContain("'stripe'");
    const noPayments = await refund(o.id, { items: [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }] });
    expect(noPayments.status).toBe(422);
    expect(noPayments.body.data[0].title).toBe('JSON data is missing or invalid');
    const unpaid = await paidOrder({ status_id: 1 });
    expect(
      (await refund(unpaid.id, { items: [{ item_type: 'ORDER', item_id: unpaid.id, amount: 1 }], payments: [{ provider_id: 'custom', amount: 1, offline: true }] })).body.data[0]
        .title,
    ).toContain('not paid');
    expect((await refund(999_999, { items: [], payments: [] })).status).toBe(404);
    expect((await client.call('GET', `/v2/orders/${o.id}`)).body).toMatchObject({ status_id: 11, refunded_amount: '0.0000' });
  });

  it('takes a merchant-calculated override as the amount the payments must match', async () => {
    const o = await paidOrder();
    const res = await refund(o.id, {
      items: [{ item_type: 'PRODUCT', item_id: o.mug, quantity: 1 }],
      merchant_calculated_override: { total_amount: 30, total_tax: 0 },
      payments: [{ provider_id: 'testgateway', amount: 30, offline: false }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ total_amount: 30, total_tax: 0, uses_merchant_override_values: true });
    expect((await client.call('GET', `/v2/orders/${o.id}`)).body.refunded_amount).toBe('30.0000');
  });
});

describe('reading refunds and declining a refund payment', () => {
  let a: number;
  let b: number;
  const ids: number[] = [];
  let between = '';
  beforeAll(async () => {
    a = (await paidOrder()).id;
    b = (await paidOrder()).id;
    for (const orderId of [a, b, a]) {
      await sleep(PROCESSING_MS + 100);
      if (ids.length === 2) between = new Date().toISOString();
      if (ids.length === 2) await sleep(1_100);
      const res = await refund(orderId, { items: [{ item_type: 'ORDER', item_id: orderId, amount: 10 }], payments: [{ provider_id: 'custom', amount: 10, offline: true }] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.data.id);
    }
  });

  it('lists an order refunds in id order', async () => {
    const res = await client.call('GET', `/v3/orders/${a}/payment_actions/refunds`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: number }) => r.id)).toEqual([ids[0], ids[2]]);
    expect((await client.call('GET', `/v3/orders/999999/payment_actions/refunds`)).status).toBe(404);
    const txn = res.body.data[1].payments[0].transaction_id as string;
    expect((await client.call('GET', `/v3/orders/${a}/payment_actions/refunds?transaction_id=${txn}`)).body.data.map((r: { id: number }) => r.id)).toEqual([ids[2]]);
  });

  it('lists all refunds with order_id:in, id:in, created:min/max and pagination', async () => {
    const list = async (query: string) => (await client.call('GET', `/v3/orders/payment_actions/refunds?${query}`)).body;
    expect((await list(`order_id:in=${a},${b}`)).data.map((r: { id: number }) => r.id)).toEqual(ids);
    expect((await list(`order_id:in=${b}`)).data.map((r: { id: number }) => r.id)).toEqual([ids[1]]);
    expect((await list(`id:in=${ids[0]},${ids[2]}`)).data.map((r: { id: number }) => r.id)).toEqual([ids[0], ids[2]]);
    expect((await list(`order_id:in=${a},${b}&created:min=${encodeURIComponent(between)}`)).data.map((r: { id: number }) => r.id)).toEqual([ids[2]]);
    expect((await list(`order_id:in=${a},${b}&created:max=${encodeURIComponent(between)}`)).data.map((r: { id: number }) => r.id)).toEqual([ids[0], ids[1]]);
    const page2 = await list(`order_id:in=${a},${b}&limit=2&page=2`);
    expect(page2.data.map((r: { id: number }) => r.id)).toEqual([ids[2]]);
    expect(page2.meta.pagination).toMatchObject({
      total: 3,
      count: 1,
      per_page: 2,
      current_page: 2,
      total_pages: 2,
      links: { previous: '?page=1&limit=2', current: '?page=2&limit=2' },
    });
    const bad = await client.call('GET', '/v3/orders/payment_actions/refunds?created:min=yesterday&limit=1000');
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors)).toEqual(['created:min', 'limit']);
  });

  it('reads one refund, and shows a payment the gateway declined later', async () => {
    const one = await client.call('GET', `/v3/orders/payment_actions/refunds/${ids[1]}`);
    expect(one.body.data).toMatchObject({ id: ids[1], order_id: b, total_amount: 10, payments: [{ is_declined: false }] });
    expect(one.body.meta).toEqual({});
    const declined = await control('POST', `/refunds/${ids[1]}/decline`, { message: 'Card account closed' });
    expect(declined.status).toBe(200);
    const after = await client.call('GET', `/v3/orders/payment_actions/refunds/${ids[1]}`);
    expect(after.body.data.payments[0]).toMatchObject({ is_declined: true, declined_message: 'Card account closed' });
    expect((await control('POST', '/refunds/999999/decline', {})).status).toBe(404);
    expect((await client.call('GET', '/v3/orders/payment_actions/refunds/999999')).status).toBe(404);
  });
});
