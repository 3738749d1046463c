import { z } from 'zod';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { nullableString } from '../schemas';
import type { NewShipment } from '../../../domain/orders/shipment-for-bigcommerce';

// --- BigCommerce's shape (orders.v2.oas2.yml: orderShipment) ---

const bcShipmentSchema = z.object({
  id: z.number().int(),
  order_id: z.number().int(),
  order_address_id: z.number().int(),
  tracking_number: nullableString,
  shipping_provider: nullableString,
  tracking_carrier: nullableString,
  comments: nullableString,
  items: z.array(z.object({ order_product_id: z.number().int(), quantity: z.number() })).default([]),
});
export type BcShipment = z.output<typeof bcShipmentSchema>;

/**
 * The order's shipments. V2 answers **204 with no body** when there are none.
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments#get-order-shipments
 */
export async function listShipments(client: BigCommerceClient, orderId: number, opts: { signal?: AbortSignal; priority?: number } = {}): Promise<BcShipment[]> {
  const res = await client.request(
    { method: 'GET', path: `/v2/orders/${orderId}/shipments`, route: '/v2/orders/{id}/shipments', query: { limit: 250 }, signal: opts.signal, priority: opts.priority },
    z.array(bcShipmentSchema),
  );
  return res.data ?? [];
}

/**
 * Creates a shipment once. BigCommerce has no idempotency key and a POST that timed out may still
 * have happened, so the shipments are looked up first and one carrying the same marker (in
 * `comments`) or tracking number counts as done. Creating a shipment emails the shopper, so a
 * duplicate is not harmless.
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments#create-order-shipment
 */
export async function ensureShipment(
  client: BigCommerceClient,
  orderId: number,
  shipment: NewShipment,
  opts: { signal?: AbortSignal; priority?: number; existing?: BcShipment[] } = {},
): Promise<{ shipment: BcShipment; created: boolean }> {
  const existing = opts.existing ?? (await listShipments(client, orderId, opts));
  const same = existing.find((s) => s.comments.includes(shipment.marker) || (shipment.trackingNumber !== '' && s.tracking_number === shipment.trackingNumber));
  if (same) return { shipment: same, created: false };
  const res = await client.request(
    {
      method: 'POST',
      path: `/v2/orders/${orderId}/shipments`,
      route: '/v2/orders/{id}/shipments',
      body: {
        order_address_id: shipment.orderAddressId,
        items: shipment.items.map((i) => ({ order_product_id: i.orderProductId, quantity: i.quantity })),
        tracking_number: shipment.trackingNumber,
        shipping_provider: shipment.shippingProvider,
        tracking_carrier: shipment.trackingCarrier,
        comments: shipment.marker,
      },
      signal: opts.signal,
      priority: opts.priority,
    },
    bcShipmentSchema,
  );
  if (!res.data) throw new BigCommerceError('bad_response', `POST /v2/orders/${orderId}/shipments answered ${res.status} with no body`, { status: res.status });
  return { shipment: res.data, created: true };
}
