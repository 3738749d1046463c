import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET } from '../../oms/app';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { OmsConformanceClient, recordOmsConformance } from './harness';
import type { Json } from '../support/json';

/**
 * The OMS sandbox against the ShipStation V1 spec (../shared/connectors/openapi/shipstation-v1)
 * and the behaviour FACTS.md section 3 describes: every JSON response is schema-checked by the
 * harness; the tests assert what the schemas cannot say (upsert by orderKey, locking, filters,
 * rate limit, SHIP_NOTIFY delivery, the 3PL rules, controls).
 */

/** The ShipStation operations the OMS sandbox serves, as "METHOD <spec path template>". */
const OMS_IN_SCOPE_OPERATIONS = [
  'POST /orders/createorder',
  'POST /orders/createorders',
  'GET /orders',
  'GET /orders/{orderId}',
  'DELETE /orders/{orderId}',
  'GET /shipments',
  'POST /webhooks/subscribe',
  'GET /webhooks',
  'DELETE /webhooks/{webhookId}',
] as const;

const clients: OmsConformanceClient[] = [];
const merged = new OmsConformanceClient('', '', '');
recordOmsConformance(
  'oms sandbox',
  () => {
    for (const c of clients) merged.results.push(...c.results);
    return merged;
  },
  OMS_IN_SCOPE_OPERATIONS,
);

let s: RunningSandboxes;
let client: OmsConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

/** Polls until fn gives a value (test/support/stack.ts has one too, but pulls in the whole API). */
async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Pacific wall-clock time, no offset, 7-digit fraction: "2015-06-29T08:46:27.0000000".
const PACIFIC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/;

beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, oms: { rateLimit: false, webhookRetryDelaysMs: [30, 60], webhookTimeoutMs: 2_000 } });
  client = new OmsConformanceClient(s.omsUrl, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET);
  clients.push(client);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});
beforeEach(async () => {
  await control('POST', '/reset');
  // Subscriptions survive a reset (they belong to the account): start each test without any.
  for (const w of (await client.call('GET', '/webhooks')).body.webhooks as Array<{ WebHookID: number }>) await client.call('DELETE', `/webhooks/${w.WebHookID}`);
  receiver.received.length = 0;
  receiver.setRespond(() => 200);
});

async function control(method: string, p: string, body?: unknown, base = s.omsUrl): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/__sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const address = (overrides: Record<string, unknown> = {}) => ({
  name: 'Jane Doe',
  company: null,
  street1: '555 East Street',
  street2: null,
  city: 'Austin',
  state: 'TX',
  postalCode: '78108',
  country: 'US',
  phone: '5125550100',
  residential: true,
  ...overrides,
});

/** A whole order as the connector sends it (the Order model of the create/update order page). */
function orderBody(n: number, overrides: Record<string, unknown> = {}) {
  return {
    orderNumber: String(n),
    orderKey: `bc-sandbox-${n}`,
    orderDate: '2024-07-01T15:30:00.000Z',
    paymentDate: '2024-07-01T15:31:00.000Z',
    orderStatus: 'awaiting_shipment',
    customerUsername: 'jane.doe@example.com',
    customerEmail: 'jane.doe@example.com',
    billTo: address({ residential: undefined }),
    shipTo: address(),
    items: [
      { lineItemKey: `${n}01`, sku: 'PACK-22', name: 'Trailhead Daypack 22L', quantity: 1, unitPrice: 79, adjustment: false },
      { lineItemKey: `${n}02`, sku: 'SOCK-MER', name: 'Merino Hiking Socks', quantity: 3, unitPrice: 19, adjustment: false },
    ],
    amountPaid: 146.88,
    taxAmount: 10.88,
    shippingAmount: 9.5,
    customerNotes: 'Leave at the door',
    internalNotes: 'BigCommerce order',
    requestedShippingService: 'UPS Ground',
    gift: false,
    ...overrides,
  };
}

describe('authentication and rate headers', () => {
  it('refuses missing and wrong credentials with 401, and sends the rate headers on every response', async () => {
    const none = await client.call('GET', '/orders', undefined, { auth: null });
    expect(none.status).toBe(401);
    expect(none.body.Message).toMatch(/Authorization has been denied/);
    const wrong = await client.call('GET', '/orders', undefined, { auth: { key: DEFAULT_OMS_API_KEY, secret: 'nope' } });
    expect(wrong.status).toBe(401);
    const ok = await client.call('GET', '/orders');
    expect(ok.status).toBe(200);
    for (const r of [wrong, ok]) {
      expect(r.headers.get('x-rate-limit-limit')).toBe('40');
      expect(Number(r.headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0);
      expect(Number(r.headers.get('x-rate-limit-reset'))).toBeGreaterThan(0);
    }
  });

  it('limits each key + secret to its quota per window, 429 with the reset in seconds', async () => {
    const limited = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, oms: { quota: 3, windowMs: 60_000, credentials: { a: 'sa', b: 'sb' } } });
    try {
      const a = new OmsConformanceClient(limited.omsUrl, 'a', 'sa');
      const b = new OmsConformanceClient(limited.omsUrl, 'b', 'sb');
      clients.push(a, b);
      const remaining = [];
      for (let i = 0; i < 3; i++) remaining.push((await a.call('GET', '/webhooks')).headers.get('x-rate-limit-remaining'));
      expect(remaining).toEqual(['2', '1', '0']);
      const over = await a.call('GET', '/webhooks');
      expect(over.status).toBe(429);
      expect(over.headers.get('x-rate-limit-remaining')).toBe('0');
      const reset = Number(over.headers.get('x-rate-limit-reset'));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(60);
      // The other key has its own window.
      expect((await b.call('GET', '/webhooks')).status).toBe(200);
      const summary = await control('GET', '/summary', undefined, limited.omsUrl);
      expect(summary.body.rateLimit).toMatchObject({ limit: 3, windowMs: 60_000, enabled: true });
      expect(summary.body.rateLimit.stats.limited).toBe(1);
      // A new setting starts fresh windows.
      expect((await control('PUT', '/settings', { rateLimit: 10 }, limited.omsUrl)).body.rateLimit).toBe(10);
      expect((await a.call('GET', '/webhooks')).headers.get('x-rate-limit-remaining')).toBe('9');
    } finally {
      await limited.close();
    }
  });
});

describe('POST /orders/createorder', () => {
  it('creates an order under its orderKey and answers the Order model, dates in Pacific time', async () => {
    const res = await client.call('POST', '/orders/createorder', orderBody(100));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderNumber: '100',
      orderKey: 'bc-sandbox-100',
      orderStatus: 'awaiting_shipment',
      customerEmail: 'jane.doe@example.com',
      amountPaid: 146.88,
      taxAmount: 10.88,
      shippingAmount: 9.5,
    });
    expect(typeof res.body.orderId).toBe('number');
    // 15:30Z on 1 July is 08:30 PDT; ShipStation answers without an offset.
    expect(res.body.orderDate).toBe('2024-07-01T08:30:00.0000000');
    expect(res.body.paymentDate).toBe('2024-07-01T08:31:00.0000000');
    expect(res.body.createDate).toMatch(PACIFIC);
    expect(res.body.orderTotal).toBe(79 + 57 + 10.88 + 9.5);
    expect(res.body.items.map((i: { lineItemKey: string; orderItemId: number }) => i.lineItemKey)).toEqual(['10001', '10002']);
    expect(res.body.advancedOptions.storeId).toBeGreaterThan(0);

    // A date without an offset is already Pacific time.
    const local = await client.call('POST', '/orders/createorder', orderBody(101, { orderDate: '2024-01-15T10:00:00' }));
    expect(local.body.orderDate).toBe('2024-01-15T10:00:00.0000000');
  });

  it('upserts by orderKey: the same key again replaces the whole order (no partial updates) and keeps its ids', async () => {
    const first = await client.call('POST', '/orders/createorder', orderBody(102));
    const again = await client.call('POST', '/orders/createorder', orderBody(102, { customerNotes: undefined, items: [{ ...orderBody(102).items[0], quantity: 2 }] }));
    expect(again.status).toBe(200);
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.body.customerNotes).toBeNull();
    expect(again.body.items).toHaveLength(1);
    expect(again.body.items[0]).toMatchObject({ lineItemKey: '10201', quantity: 2, orderItemId: first.body.items[0].orderItemId });
    const summary = (await control('GET', '/summary')).body;
    expect(summary.orders.total).toBe(1);
    expect(summary.writes).toEqual({ 'bc-sandbox-102': 2 });
  });

  it('creates a new order with a generated orderKey when none is sent', async () => {
    const a = await client.call('POST', '/orders/createorder', orderBody(103, { orderKey: undefined }));
    const b = await client.call('POST', '/orders/createorder', orderBody(103, { orderKey: undefined }));
    expect(a.body.orderKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.body.orderId).not.toBe(a.body.orderId);
    expect(b.body.orderKey).not.toBe(a.body.orderKey);
  });

  it('refuses bodies without the required fields with ASP.NET ModelState errors', async () => {
    const res = await client.call('POST', '/orders/createorder', { orderKey: 'x', items: [] });
    expect(res.status).toBe(400);
    expect(res.body.Message).toBe('The request is invalid.');
    expect(Object.keys(res.body.ModelState).sort()).toEqual(['order.billTo', 'order.orderDate', 'order.orderNumber', 'order.orderStatus', 'order.shipTo']);
    expect(res.body.ModelState['order.orderNumber']).toEqual(['The orderNumber field is required.']);
    const long = await client.call('POST', '/orders/createorder', orderBody(104, { orderNumber: 'N'.repeat(51) }));
    expect(long.status).toBe(400);
    expect(long.body.ModelState['order.orderNumber'][0]).toMatch(/maximum length of 50/);
    expect((await client.call('POST', '/orders/createorder', orderBody(104, { orderStatus: 'lost' }))).status).toBe(400);
    const badDate = await client.call('POST', '/orders/createorder', orderBody(104, { orderDate: 'yesterday' }));
    expect(badDate.status).toBe(400);
    expect(badDate.body.ModelState).toHaveProperty(['order.orderDate']);
    const notJson = await client.call('POST', '/orders/createorder', '{"orderNumber":', { headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((await control('GET', '/summary')).body.orders.total).toBe(0);
  });

  it('lets the 3PL refuse unknown SKUs and incomplete ship-to addresses with a clear message (rules on by default)', async () => {
    const unknown = await client.call(
      'POST',
      '/orders/createorder',
      orderBody(105, {
        items: [
          { lineItemKey: '1', sku: 'NOPE-1', name: 'x', quantity: 1, unitPrice: 1 },
          { lineItemKey: '2', sku: 'PACK-22', name: 'y', quantity: 1, unitPrice: 1 },
        ],
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toBe('Order 105 rejected by the fulfillment rules: unknown SKU NOPE-1.');
    const noAddress = await client.call('POST', '/orders/createorder', orderBody(106, { shipTo: address({ street1: '', postalCode: null }) }));
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.Message).toMatch(/ship-to address is missing street1, postalCode/);
    // Adjustment lines are not products; a cancellation is never refused.
    expect(
      (
        await client.call(
          'POST',
          '/orders/createorder',
          orderBody(107, { items: [...orderBody(107).items, { sku: 'DISCOUNT', name: 'Coupon', quantity: 1, unitPrice: -5, adjustment: true }] }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await client.call('POST', '/orders/createorder', orderBody(108, { orderStatus: 'cancelled', items: [{ lineItemKey: '1', sku: 'NOPE-1', quantity: 1, unitPrice: 1 }] })))
        .status,
    ).toBe(200);

    const rules = await control('PUT', '/rules', { addSkus: ['NOPE-1'] });
    expect(rules.body.knownSkus).toContain('NOPE-1');
    expect((await client.call('POST', '/orders/createorder', orderBody(105, { items: [{ lineItemKey: '1', sku: 'NOPE-1', name: 'x', quantity: 1, unitPrice: 1 }] }))).status).toBe(
      200,
    );
    await control('PUT', '/rules', { requireShipToAddress: false });
    expect((await client.call('POST', '/orders/createorder', orderBody(106, { shipTo: address({ street1: '', postalCode: null }) }))).status).toBe(200);
    expect((await control('PUT', '/rules', { rejectUnknownSkus: 'yes' })).status).toBe(400);
  });

  it('locks shipped and cancelled orders against updates; cancelling is re-sending with orderStatus cancelled', async () => {
    await client.call('POST', '/orders/createorder', orderBody(110));
    expect((await control('POST', '/orders/bc-sandbox-110/ship', {})).status).toBe(201);
    const shipped = await client.call('POST', '/orders/createorder', orderBody(110, { orderStatus: 'cancelled' }));
    expect(shipped.status).toBe(400);
    expect(shipped.body.Message).toMatch(/is shipped and cannot be updated/);

    await client.call('POST', '/orders/createorder', orderBody(111));
    const cancelled = await client.call('POST', '/orders/createorder', orderBody(111, { orderStatus: 'cancelled' }));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.orderStatus).toBe('cancelled');
    const again = await client.call('POST', '/orders/createorder', orderBody(111, { orderStatus: 'cancelled' }));
    expect(again.status).toBe(400);
    expect(again.body.Message).toMatch(/is cancelled and cannot be updated/);
    expect((await control('GET', '/summary')).body.orders.byStatus).toEqual({ shipped: 1, cancelled: 1 });
  });
});

describe('POST /orders/createorders', () => {
  it('upserts each order on its own and reports per-order results', async () => {
    const res = await client.call('POST', '/orders/createorders', [
      orderBody(120),
      orderBody(121),
      orderBody(122, { items: [{ lineItemKey: '1', sku: 'NOPE', quantity: 1, unitPrice: 1 }] }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.hasErrors).toBe(true);
    expect(res.body.results.map((r: { success: boolean }) => r.success)).toEqual([true, true, false]);
    expect(res.body.results[2]).toMatchObject({ orderNumber: '122', orderKey: 'bc-sandbox-122', orderId: 0, errorMessage: expect.stringMatching(/unknown SKU NOPE/) });
    const ok = await client.call('POST', '/orders/createorders', [orderBody(120)]);
    expect(ok.body).toMatchObject({ hasErrors: false, results: [{ orderId: res.body.results[0].orderId, success: true, errorMessage: null }] });
    expect((await client.call('POST', '/orders/createorders', orderBody(123))).status).toBe(400);
    expect(
      (
        await client.call(
          'POST',
          '/orders/createorders',
          Array.from({ length: 101 }, (_, i) => orderBody(200 + i)),
        )
      ).status,
    ).toBe(400);
  });
});

describe('GET /orders, GET and DELETE /orders/{orderId}', () => {
  it('lists with the {orders, total, page, pages} envelope, orderNumber as a prefix, orderStatus and paging', async () => {
    for (const n of [130, 131, 1300]) await client.call('POST', '/orders/createorder', orderBody(n));
    await client.call('POST', '/orders/createorder', orderBody(132, { orderStatus: 'awaiting_payment' }));
    const all = await client.call('GET', '/orders');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 4, page: 1, pages: 1 });
    const prefix = await client.call('GET', '/orders?orderNumber=130');
    expect(prefix.body.orders.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['130', '1300']);
    const unpaid = await client.call('GET', '/orders?orderStatus=awaiting_payment');
    expect(unpaid.body.orders.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['132']);
    const page2 = await client.call('GET', '/orders?pageSize=3&page=2');
    expect(page2.body).toMatchObject({ total: 4, page: 2, pages: 2 });
    expect(page2.body.orders).toHaveLength(1);
    // Query names bind case-insensitively, as on ASP.NET.
    expect((await client.call('GET', '/orders?ORDERNUMBER=131')).body.total).toBe(1);
    expect((await client.call('GET', '/orders?orderStatus=lost')).status).toBe(400);
    expect((await client.call('GET', '/orders?pageSize=501')).status).toBe(400);
    expect((await client.call('GET', '/orders?page=0')).status).toBe(400);
  });

  it('reads one order by id, soft-deletes it (gone from lists, still readable), and 404s unknown ids', async () => {
    const created = await client.call('POST', '/orders/createorder', orderBody(140));
    const id = created.body.orderId as number;
    const one = await client.call('GET', `/orders/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(created.body);
    const deleted = await client.call('DELETE', `/orders/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, message: 'The requested order has been deleted.' });
    expect((await client.call('GET', '/orders')).body.total).toBe(0);
    expect((await client.call('GET', `/orders/${id}`)).status).toBe(200);
    expect((await client.call('GET', '/orders/999')).status).toBe(404);
    expect((await client.call('GET', '/orders/abc')).status).toBe(404);
    expect((await client.call('DELETE', '/orders/999')).status).toBe(404);
    expect((await control('GET', '/summary')).body.orders).toMatchObject({ total: 1, active: 0 });
  });
});

describe('shipments and the ship control', () => {
  it('ships part, then the rest: shipments with generated tracking numbers, order shipped when all is shipped', async () => {
    await client.call('POST', '/orders/createorder', orderBody(150));
    const part = await control('POST', '/orders/bc-sandbox-150/ship', { items: [{ lineItemKey: '15002', quantity: 2 }], carrierCode: 'ups', serviceCode: 'ups_ground' });
    expect(part.status).toBe(201);
    expect(part.body.orderStatus).toBe('awaiting_shipment');
    expect(part.body.shipment.trackingNumber).toMatch(/^\d{22}$/);
    const rest = await control('POST', '/orders/bc-sandbox-150/ship', { trackingNumber: '1Z999AA10123456784' });
    expect(rest.body.orderStatus).toBe('shipped');
    expect(rest.body.shipment.items.map((i: { lineItemKey: string; quantity: number }) => [i.lineItemKey, i.quantity])).toEqual([
      ['15001', 1],
      ['15002', 1],
    ]);
    const order = await client.call('GET', '/orders?orderNumber=150');
    expect(order.body.orders[0]).toMatchObject({ orderStatus: 'shipped', shipDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });

    const noItems = await client.call('GET', `/shipments?orderId=${part.body.shipment.orderId}`);
    expect(noItems.status).toBe(200);
    expect(noItems.body).toMatchObject({ total: 2, page: 1, pages: 1 });
    expect(noItems.body.shipments.every((x: { shipmentItems: unknown }) => x.shipmentItems === null)).toBe(true);
    const withItems = await client.call('GET', `/shipments?orderId=${part.body.shipment.orderId}&includeShipmentItems=true`);
    expect(withItems.body.shipments[0]).toMatchObject({
      orderKey: 'bc-sandbox-150',
      orderNumber: '150',
      carrierCode: 'ups',
      serviceCode: 'ups_ground',
      voided: false,
      shipmentItems: [{ lineItemKey: '15002', sku: 'SOCK-MER', quantity: 2 }],
    });
    expect(withItems.body.shipments[0].createDate).toMatch(PACIFIC);
    expect(withItems.body.shipments[1].trackingNumber).toBe('1Z999AA10123456784');

    expect((await client.call('GET', '/shipments?orderNumber=150')).body.total).toBe(2);
    expect((await client.call('GET', `/shipments?batchId=${part.body.shipment.batchId}`)).body.total).toBe(1);
    expect((await client.call('GET', '/shipments?trackingNumber=1Z999AA10123456784')).body.total).toBe(1);
    const paged = await client.call('GET', '/shipments?pageSize=1&page=2');
    expect(paged.body).toMatchObject({ total: 2, page: 2, pages: 2 });
    expect((await client.call('GET', '/shipments?orderId=abc')).status).toBe(400);
    expect((await client.call('GET', '/shipments?pageSize=0')).status).toBe(400);

    const voided = await control('POST', `/shipments/${rest.body.shipment.shipmentId}/void`);
    expect(voided.body).toMatchObject({ shipment: { voided: true }, orderStatus: 'awaiting_shipment' });
    const after = await client.call('GET', `/shipments?trackingNumber=1Z999AA10123456784`);
    expect(after.body.shipments[0]).toMatchObject({ voided: true, voidDate: expect.stringMatching(PACIFIC) });
    expect((await control('POST', `/shipments/${rest.body.shipment.shipmentId}/void`)).status).toBe(409);
    expect((await control('GET', '/summary')).body.shipments).toEqual({ total: 2, voided: 1 });
  });

  it('refuses to ship what cannot ship', async () => {
    await client.call('POST', '/orders/createorder', orderBody(151, { orderStatus: 'awaiting_payment' }));
    await client.call('POST', '/orders/createorder', orderBody(152));
    expect((await control('POST', '/orders/nope/ship', {})).status).toBe(404);
    expect((await control('POST', '/orders/bc-sandbox-151/ship', {})).status).toBe(409);
    expect((await control('POST', '/orders/bc-sandbox-152/ship', { items: [{ lineItemKey: '15201', quantity: 2 }] })).status).toBe(400);
    expect((await control('POST', '/orders/bc-sandbox-152/ship', { items: [{ lineItemKey: 'x', quantity: 1 }] })).status).toBe(400);
    expect((await control('POST', '/orders/bc-sandbox-152/ship', { items: [] })).status).toBe(400);
    expect((await control('POST', '/orders/bc-sandbox-152/ship', { unknown: 1 })).status).toBe(400);
  });
});

describe('webhooks and SHIP_NOTIFY', () => {
  it('subscribes, lists and unsubscribes', async () => {
    const sub = await client.call('POST', '/webhooks/subscribe', { target_url: receiver.url, event: 'SHIP_NOTIFY', store_id: null, friendly_name: 'bcsync' });
    expect(sub.status).toBe(200);
    expect(typeof sub.body.id).toBe('number');
    const list = await client.call('GET', '/webhooks');
    expect(list.body.webhooks).toContainEqual(
      expect.objectContaining({ WebHookID: sub.body.id, HookType: 'SHIP_NOTIFY', Url: receiver.url, Name: 'bcsync', Active: true, StoreID: null }),
    );
    expect((await client.call('POST', '/webhooks/subscribe', { target_url: receiver.url, event: 'SOMETHING' })).status).toBe(400);
    expect((await client.call('POST', '/webhooks/subscribe', { target_url: 'not a url', event: 'SHIP_NOTIFY' })).status).toBe(400);
    const del = await client.call('DELETE', `/webhooks/${sub.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toBeUndefined();
    expect((await client.call('DELETE', `/webhooks/${sub.body.id}`)).status).toBe(404);
    expect((await client.call('GET', '/webhooks')).body.webhooks).toEqual([]);
  });

  it('POSTs {resource_url, resource_type} when an order ships; resource_url lists the batch on the sandbox', async () => {
    const sub = await client.call('POST', '/webhooks/subscribe', { target_url: receiver.url, event: 'SHIP_NOTIFY', friendly_name: 'ship' });
    // Another store's hook and another event type get nothing.
    await client.call('POST', '/webhooks/subscribe', { target_url: `${receiver.url}?other-store`, event: 'SHIP_NOTIFY', store_id: 999, friendly_name: 'x' });
    await client.call('POST', '/webhooks/subscribe', { target_url: `${receiver.url}?orders`, event: 'ORDER_NOTIFY', friendly_name: 'y' });
    await client.call('POST', '/orders/createorder', orderBody(160));
    const shipped = await control('POST', '/orders/bc-sandbox-160/ship', {});
    const notice = await eventually(() => receiver.received[0], 'SHIP_NOTIFY delivered', 5_000);
    expect(notice.body).toEqual({ resource_url: expect.any(String), resource_type: 'SHIP_NOTIFY' });
    // No signature: ShipStation signs nothing.
    expect(Object.keys(notice.headers).filter((h) => /signature|webhook-id/i.test(h))).toEqual([]);
    const url = new URL(notice.body.resource_url);
    expect(url.origin).toBe(s.omsUrl);
    expect(url.pathname).toBe('/shipments');
    expect(url.searchParams.get('batchId')).toBe(String(shipped.body.shipment.batchId));
    expect(notice.body.resource_url.length).toBeLessThanOrEqual(200);

    // As FACTS.md says: the resource without includeShipmentItems has no items.
    const bare = await client.call('GET', `${url.pathname}${url.search}`);
    expect(bare.body.shipments).toHaveLength(1);
    expect(bare.body.shipments[0].shipmentItems).toBeNull();
    const full = await client.call('GET', `${url.pathname}${url.search}&includeShipmentItems=true`);
    expect(full.body.shipments[0].shipmentItems).toHaveLength(2);

    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(1);
    const log = await control('GET', `/deliveries?webhook_id=${sub.body.id}`);
    expect(log.body.deliveries).toEqual([expect.objectContaining({ webhookId: sub.body.id, resourceType: 'SHIP_NOTIFY', attempt: 0, status: 200 })]);
  });

  it('retries a failed delivery on the configured schedule, then stops', async () => {
    await client.call('POST', '/webhooks/subscribe', { target_url: receiver.url, event: 'SHIP_NOTIFY', friendly_name: 'flaky' });
    receiver.setRespond((n) => (n <= 2 ? 503 : 200));
    await client.call('POST', '/orders/createorder', orderBody(161));
    await control('POST', '/orders/bc-sandbox-161/ship', {});
    await eventually(() => receiver.received.length === 3 || undefined, 'third attempt', 5_000);
    const log = (await control('GET', '/deliveries')).body;
    expect(log.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
      [0, 503],
      [1, 503],
      [2, 200],
    ]);
    expect(new Set(receiver.received.map((r) => r.raw)).size).toBe(1);

    receiver.setRespond(() => 500);
    receiver.received.length = 0;
    await client.call('POST', '/orders/createorder', orderBody(162));
    await control('POST', '/orders/bc-sandbox-162/ship', {});
    await eventually(() => (receiver.received.length === 3 ? true : undefined), 'all attempts', 5_000);
    await eventually(async () => ((await control('GET', '/deliveries')).body.idle ? true : undefined), 'notifier idle', 5_000);
    expect(receiver.received).toHaveLength(3);
    expect((await control('PUT', '/settings', { webhookRetryDelaysMs: [1] })).body.webhookRetryDelaysMs).toEqual([1]);
  });
});

describe('controls: faults, outage, summary, reset', () => {
  it("injects per-route faults with the BigCommerce sandbox's shape", async () => {
    const fault = await control('POST', '/faults', {
      method: 'POST',
      path: '^/orders/createorder$',
      status: 500,
      body: { Message: 'An error has occurred.', ExceptionMessage: 'boom' },
      times: 1,
    });
    expect(fault.status).toBe(201);
    const failed = await client.call('POST', '/orders/createorder', orderBody(170));
    expect(failed.status).toBe(500);
    expect(failed.body.ExceptionMessage).toBe('boom');
    expect((await client.call('POST', '/orders/createorder', orderBody(170))).status).toBe(200);
    await control('POST', '/faults', { method: 'GET', path: '^/orders', latencyMs: 150 });
    const started = Date.now();
    expect((await client.call('GET', '/orders')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await control('GET', '/faults')).body.faults).toHaveLength(2);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await control('GET', '/faults')).body.faults).toEqual([]);
    expect((await control('POST', '/faults', { path: '(' })).status).toBe(400);
  });

  it('answers every API call with 503 during an outage; controls keep working', async () => {
    expect((await control('PUT', '/outage', { down: true })).body).toEqual({ down: true });
    const down = await client.call('GET', '/orders');
    expect(down.status).toBe(503);
    expect((await client.call('POST', '/orders/createorder', orderBody(171))).status).toBe(503);
    expect((await control('GET', '/summary')).body.outage).toBe(true);
    await control('PUT', '/outage', { down: false });
    expect((await client.call('GET', '/orders')).status).toBe(200);
  });

  it('answers unknown paths with 404, and reset keeps webhook subscriptions', async () => {
    expect((await client.call('GET', '/carriers')).status).toBe(404);
    const sub = await client.call('POST', '/webhooks/subscribe', { target_url: receiver.url, event: 'SHIP_NOTIFY', friendly_name: 'kept' });
    await client.call('POST', '/orders/createorder', orderBody(172));
    expect((await control('POST', '/reset')).body).toEqual({ reset: true });
    const summary = (await control('GET', '/summary')).body;
    expect(summary.orders.total).toBe(0);
    expect(summary.writes).toEqual({});
    expect(summary.webhooks.map((w: { webhookId: number }) => w.webhookId)).toEqual([sub.body.id]);
  });
});

describe('persistence', () => {
  it('keeps orders, shipments and subscriptions in oms.json across restarts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-oms-'));
    try {
      const first = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, stateDir: dir, oms: { rateLimit: false } });
      const c1 = new OmsConformanceClient(first.omsUrl, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET);
      clients.push(c1);
      const created = await c1.call('POST', '/orders/createorder', orderBody(180));
      await control('POST', '/orders/bc-sandbox-180/ship', {}, first.omsUrl);
      await first.close();
      const second = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, stateDir: dir, oms: { rateLimit: false } });
      try {
        const c2 = new OmsConformanceClient(second.omsUrl, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET);
        clients.push(c2);
        expect((await c2.call('GET', `/orders/${created.body.orderId}`)).body.orderStatus).toBe('shipped');
        expect((await c2.call('GET', '/shipments?orderNumber=180')).body.total).toBe(1);
        // Ids continue where they stopped.
        expect((await c2.call('POST', '/orders/createorder', orderBody(181))).body.orderId).toBe(created.body.orderId + 1);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
