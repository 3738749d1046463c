import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cancelOmsOrder } from '../../connectors/oms/shipstation/cancel-order';
import { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { listShipments } from '../../connectors/oms/shipstation/list-shipments';
import { shipmentsFromNotification, trustedShipmentsUrl } from '../../connectors/oms/shipstation/shipments-from-notification';
import { upsertOmsOrder } from '../../connectors/oms/shipstation/upsert-order';
import { ensureWebhook, parseShipStationWebhook } from '../../connectors/oms/shipstation/webhooks';
import type { OmsOrder } from '../../domain/orders/oms-order';
import type { Address } from '../../domain/orders/order';
import { createOmsSandbox, DEFAULT_OMS_API_KEY, DEFAULT_OMS_API_SECRET, type OmsSandbox } from '../../sandbox/oms/app';
import { startReceiver } from '../support/receiver';
import type { Json } from '../support/json';
import { testAddress } from '../support/address';

let sandbox: OmsSandbox;
let server: Server;
let url: string;
let client: ShipStationClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let fetchedUrls: string[];

beforeAll(async () => {
  sandbox = createOmsSandbox({ rateLimit: false, webhookRetryDelaysMs: [20] });
  server = sandbox.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  sandbox.setPublicUrl(url);
  // A fetch that records where the client went: the host check must stop requests before they leave.
  const recordingFetch: typeof fetch = (input, init) => {
    fetchedUrls.push(String(input));
    return fetch(input, init);
  };
  client = new ShipStationClient({ apiUrl: url, apiKey: DEFAULT_OMS_API_KEY, apiSecret: DEFAULT_OMS_API_SECRET, fetch: recordingFetch });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  sandbox?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});
beforeEach(() => {
  sandbox.ctx.reset();
  for (const id of Object.keys(sandbox.data.webhooks)) delete sandbox.data.webhooks[id];
  receiver.received.length = 0;
  fetchedUrls = [];
});

// This file's orders carry their own e-mail address.
const address = (overrides: Partial<Address> = {}): Address => testAddress({ email: 'jane@example.com', ...overrides });

function omsOrder(n: number, overrides: Partial<OmsOrder> = {}): OmsOrder {
  return {
    orderKey: `bc-sandbox-${n}`,
    orderNumber: String(n),
    orderDate: '2024-07-01T15:30:00.000Z',
    paymentDate: '2024-07-01T15:30:00.000Z',
    status: 'awaiting_shipment',
    customerEmail: 'jane@example.com',
    billTo: address(),
    shipTo: address(),
    items: [
      { lineItemKey: '1', sku: 'PACK-22', name: 'Trailhead Daypack 22L', quantity: 1, unitPrice: '79.0000' },
      { lineItemKey: '2', sku: 'SOCK-MER', name: 'Merino Hiking Socks', quantity: 3, unitPrice: '19.0000' },
    ],
    amountPaid: '146.8800',
    taxAmount: '10.8800',
    shippingAmount: '9.5000',
    requestedShippingService: 'UPS Ground',
    customerNotes: '',
    internalNotes: 'BigCommerce order #1',
    ...overrides,
  };
}

// any: control responses are read field by field
async function ship(orderKey: string, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await fetch(`${url}/__sandbox/orders/${orderKey}/ship`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return res.json();
}

async function eventually<T>(fn: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('upsertOmsOrder', () => {
  it('is idempotent by orderKey: twice is one order', async () => {
    const first = await upsertOmsOrder(client, omsOrder(1));
    const second = await upsertOmsOrder(client, omsOrder(1, { customerNotes: 'Changed' }));
    expect(first).toEqual({ orderId: second.orderId, orderKey: 'bc-sandbox-1', orderStatus: 'awaiting_shipment' });
    expect(Object.values(sandbox.data.orders)).toHaveLength(1);
    expect(sandbox.data.writes).toEqual({ 'bc-sandbox-1': 2 });
    const stored = Object.values(sandbox.data.orders)[0]!;
    expect(stored).toMatchObject({ customerNotes: 'Changed', orderDate: '2024-07-01T08:30:00.0000000', shipTo: { state: 'TX', name: 'Jane Doe' }, amountPaid: 146.88 });
  });

  it("surfaces the 3PL's rejection as a validation error with its message, then passes once the SKU is mapped", async () => {
    const bad = omsOrder(2, { items: [{ lineItemKey: '1', sku: 'STORE-ONLY-SKU', name: 'x', quantity: 1, unitPrice: '1.0000' }] });
    const err = (await upsertOmsOrder(client, bad).catch((e: unknown) => e)) as OmsError;
    expect(err).toBeInstanceOf(OmsError);
    expect(err.kind).toBe('validation');
    expect(err.details.status).toBe(400);
    expect(err.message).toMatch(/Order 2 rejected by the fulfillment rules: unknown SKU STORE-ONLY-SKU/);
    const fixed = await upsertOmsOrder(client, { ...bad, items: [{ ...bad.items[0]!, sku: 'PACK-22' }] });
    expect(fixed.orderStatus).toBe('awaiting_shipment');
  });

  it('reports a shipped order as locked', async () => {
    await upsertOmsOrder(client, omsOrder(3));
    await ship('bc-sandbox-3');
    await expect(upsertOmsOrder(client, omsOrder(3, { customerNotes: 'late change' }))).rejects.toMatchObject({ kind: 'locked', details: { orderStatus: 'shipped' } });
  });
});

describe('cancelOmsOrder', () => {
  it('cancels by re-sending the whole order; a second cancel counts as done', async () => {
    const created = await upsertOmsOrder(client, omsOrder(4));
    const cancelled = await cancelOmsOrder(client, omsOrder(4));
    expect(cancelled).toEqual({ orderId: created.orderId, orderKey: 'bc-sandbox-4', orderStatus: 'cancelled', alreadyCancelled: false });
    const again = await cancelOmsOrder(client, omsOrder(4));
    expect(again).toEqual({ orderId: created.orderId, orderKey: 'bc-sandbox-4', orderStatus: 'cancelled', alreadyCancelled: true });
    expect(sandbox.data.writes['bc-sandbox-4']).toBe(2);
  });

  it('cannot cancel a shipped order: the caller sees it', async () => {
    await upsertOmsOrder(client, omsOrder(5));
    await ship('bc-sandbox-5');
    const err = (await cancelOmsOrder(client, omsOrder(5)).catch((e: unknown) => e)) as OmsError;
    expect(err).toMatchObject({ kind: 'locked', details: { orderStatus: 'shipped' } });
  });
});

describe('listShipments', () => {
  it('returns every shipment of an order with items, voided ones flagged', async () => {
    const { orderId } = await upsertOmsOrder(client, omsOrder(6));
    await upsertOmsOrder(client, omsOrder(60));
    const first = await ship('bc-sandbox-6', { items: [{ lineItemKey: '2', quantity: 1 }], carrierCode: 'ups', serviceCode: 'ups_ground' });
    await ship('bc-sandbox-6');
    await ship('bc-sandbox-60');
    await fetch(`${url}/__sandbox/shipments/${first.shipment.shipmentId}/void`, { method: 'POST' });

    const shipments = await listShipments(client, { orderId });
    expect(shipments).toHaveLength(2);
    expect(shipments[0]).toMatchObject({
      orderId,
      orderKey: 'bc-sandbox-6',
      orderNumber: '6',
      carrierCode: 'ups',
      serviceCode: 'ups_ground',
      voided: true,
      items: [{ lineItemKey: '2', sku: 'SOCK-MER', quantity: 1 }],
    });
    expect(shipments[0]!.trackingNumber).toMatch(/^\d{22}$/);
    expect(shipments[0]!.shipDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Math.abs(Date.parse(shipments[0]!.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(shipments[1]).toMatchObject({
      voided: false,
      items: [
        { lineItemKey: '1', quantity: 1 },
        { lineItemKey: '2', quantity: 2 },
      ],
    });
    expect((await listShipments(client, { orderNumber: '6' })).map((s) => s.orderNumber)).toEqual(['6', '6']);
    expect(await listShipments(client, { batchId: first.shipment.batchId })).toHaveLength(1);
  });

  it('walks every page', async () => {
    await upsertOmsOrder(client, omsOrder(7, { items: [{ lineItemKey: '1', sku: 'SOCK-MER', name: 'Socks', quantity: 501, unitPrice: '1.0000' }] }));
    // 501 one-unit shipments are more than one page of 500.
    for (let i = 0; i < 501; i++) {
      const res = await fetch(`${url}/__sandbox/orders/bc-sandbox-7/ship`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ lineItemKey: '1', quantity: 1 }] }),
      });
      expect(res.status).toBe(201);
    }
    const shipments = await listShipments(client, { orderNumber: '7' });
    expect(shipments).toHaveLength(501);
    expect(fetchedUrls.filter((u) => u.includes('/shipments')).map((u) => new URL(u).searchParams.get('page'))).toEqual(['1', '2']);
  });
});

describe('SHIP_NOTIFY end to end', () => {
  it('subscribes once, receives the notice when the warehouse ships, and fetches the shipments with items', async () => {
    expect((await ensureWebhook(client, { targetUrl: receiver.url, event: 'SHIP_NOTIFY' })).outcome).toBe('created');
    expect((await ensureWebhook(client, { targetUrl: receiver.url, event: 'SHIP_NOTIFY' })).outcome).toBe('existing');
    await upsertOmsOrder(client, omsOrder(8));
    const shipped = await ship('bc-sandbox-8');

    const delivery = await eventually(() => receiver.received[0], 'SHIP_NOTIFY');
    const notice = parseShipStationWebhook(delivery.body);
    expect(notice.resource_type).toBe('SHIP_NOTIFY');
    expect(notice.resource_url).not.toMatch(/includeShipmentItems/);
    const { shipments, truncated } = await shipmentsFromNotification(client, notice.resource_url);
    expect(truncated).toBe(false);
    expect(shipments).toEqual([
      expect.objectContaining({
        shipmentId: shipped.shipment.shipmentId,
        orderKey: 'bc-sandbox-8',
        voided: false,
        items: [expect.objectContaining({ lineItemKey: '1', quantity: 1 }), expect.objectContaining({ lineItemKey: '2', quantity: 3 })],
      }),
    ]);
    // The sandbox's resource_url carries storeID too, as ShipStation's does: the request we send is
    // ours alone, the batch id and nothing else of the notice.
    expect(new URL(notice.resource_url).searchParams.get('storeID')).not.toBeNull();
    const sent = new URL(fetchedUrls.at(-1)!);
    expect([...sent.searchParams]).toEqual([
      ['batchId', new URL(notice.resource_url).searchParams.get('batchId')],
      ['includeShipmentItems', 'true'],
      ['page', '1'],
      ['pageSize', '100'],
    ]);
    expect(() => parseShipStationWebhook({ resource_type: 'SHIP_NOTIFY' })).toThrow();
  });

  it('refuses a resource_url that is not the configured ShipStation API, before any request', async () => {
    const port = new URL(url).port;
    for (const forged of [
      `http://evil.example/shipments?batchId=1`,
      `http://127.0.0.1:${Number(port) + 1}/shipments?batchId=1`,
      `https://127.0.0.1:${port}/shipments?batchId=1`,
      `http://127.0.0.1:${port}@evil.example/shipments?batchId=1`,
      `http://user:pass@127.0.0.1:${port}/shipments?batchId=1`,
      `http://127.0.0.1:${port}/orders?orderNumber=1`,
      'not a url',
    ]) {
      await expect(shipmentsFromNotification(client, forged), forged).rejects.toMatchObject({ kind: 'untrusted_url' });
      // The URL check itself, not only the client's last-line origin guard.
      expect(() => trustedShipmentsUrl(client, forged), forged).toThrow(OmsError);
    }
    expect(fetchedUrls).toEqual([]);
  });
});
