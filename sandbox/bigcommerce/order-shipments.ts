import { z } from 'zod';
import type { SandboxContext } from './context';
import { parseMoneyInput, rfc2822, v2Money } from './format';
import { moneyInput, OrderInputError } from './order-create';
import { orderChanged, setStatus } from './order-events';
import { zodMessage } from './order-fields';
import { addressFields } from './order-serialize';
import { physicalLines } from './order-totals';
import type { SandboxOrder, SandboxShipment } from './state';

/**
 * Order shipments (orders.v2.oas2.yml: orderShipment_Post/_Put, orderShipment; FACTS.md section 6).
 * A shipment needs a shipping address of the order and items of that address; it cannot ship more
 * of a line than is still unshipped. Creating one moves the order to 2 Shipped once every physical
 * unit has shipped (setting `date_shipped`), else to 3 Partially Shipped. Deleting one gives the
 * units back but "does not take the order out of Shipped".
 */

/** shipping_provider_standard, plus `carrier_{id}` for third-party shipping providers. */
const STANDARD_PROVIDERS = ['', 'auspost', 'canadapost', 'endicia', 'usps', 'fedex', 'ups', 'upsready', 'upsonline', 'shipperhq', 'royalmail'];
const providerSchema = z
  .string()
  .refine(
    (v) => STANDARD_PROVIDERS.includes(v) || /^carrier_[A-Za-z0-9_-]+$/.test(v),
    `must be one of ${STANDARD_PROVIDERS.filter(Boolean).join(', ')}, '' or carrier_{your_carrier_id}`,
  );

const DISPLAY_NAMES: Record<string, string> = {
  auspost: 'Australia Post',
  canadapost: 'Canada Post',
  endicia: 'Endicia',
  usps: 'USPS',
  fedex: 'FedEx',
  ups: 'UPS',
  upsready: 'UPS',
  upsonline: 'UPS',
  shipperhq: 'ShipperHQ',
  royalmail: 'Royal Mail',
};

const TRACKING_URLS: Record<string, (n: string) => string> = {
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  upsready: (n) => `https://www.ups.com/track?tracknum=${n}`,
  upsonline: (n) => `https://www.ups.com/track?tracknum=${n}`,
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  auspost: (n) => `https://auspost.com.au/mypost/track/#/details/${n}`,
  canadapost: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`,
  royalmail: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
};

/**
 * "generated_tracking_link ... is generated using the combination of either the tracking_number and
 * shipping_provider or tracking_number and tracking_carrier. This will be empty if the custom
 * tracking_link value is provided." Unknown carriers get an AfterShip link, as BigCommerce does.
 */
function generatedTrackingLink(s: SandboxShipment): string {
  if (s.trackingLink || !s.trackingNumber) return '';
  const number = encodeURIComponent(s.trackingNumber);
  const provider = TRACKING_URLS[s.shippingProvider];
  if (provider) return provider(number);
  if (s.trackingCarrier) return `https://track.aftership.com/${encodeURIComponent(s.trackingCarrier)}/${number}`;
  return s.shippingProvider ? `https://track.aftership.com/${number}` : '';
}

export function serializeShipment(o: SandboxOrder, s: SandboxShipment) {
  const address = o.shipping.find((a) => a.id === s.orderAddressId);
  return {
    id: s.id,
    order_id: o.id,
    customer_id: o.customerId,
    order_address_id: s.orderAddressId,
    date_created: rfc2822(s.createdMs),
    tracking_number: s.trackingNumber,
    merchant_shipping_cost: v2Money(s.merchantShippingCostUnits),
    shipping_method: s.shippingMethod,
    comments: s.comments,
    shipping_provider: s.shippingProvider,
    tracking_carrier: s.trackingCarrier,
    tracking_link: s.trackingLink,
    billing_address: addressFields(o.billing),
    shipping_address: address ? addressFields(address) : addressFields(o.billing),
    items: s.items.map((i) => ({ order_product_id: i.orderProductId, product_id: i.productId, quantity: i.quantity })),
    shipping_provider_display_name: DISPLAY_NAMES[s.shippingProvider] ?? (s.shippingProvider.startsWith('carrier_') ? s.shippingProvider : ''),
    generated_tracking_link: generatedTrackingLink(s),
  };
}

const trackingFields = {
  tracking_number: z.string().max(50),
  tracking_link: z.string().max(500),
  merchant_shipping_cost: moneyInput,
  shipping_method: z.string(),
  shipping_provider: providerSchema,
  tracking_carrier: z.string(),
  comments: z.string().max(65535),
};

const shipmentPost = z.strictObject({
  order_address_id: z.number().int().positive(),
  items: z.array(z.strictObject({ order_product_id: z.number().int().positive(), quantity: z.number().int().positive() })).min(1),
  ...z.object(trackingFields).partial().shape,
});

const shipmentPut = z.strictObject({ order_address_id: z.number().int().positive(), ...trackingFields }).partial();

const fail = (message: string): never => {
  throw new OrderInputError(400, message);
};

export function createShipment(ctx: SandboxContext, order: SandboxOrder, raw: unknown): SandboxShipment {
  const parsed = shipmentPost.safeParse(raw);
  if (!parsed.success) fail(zodMessage(parsed.error));
  const body = parsed.data!;
  const address =
    order.shipping.find((a) => a.id === body.order_address_id) ??
    fail(`The field 'order_address_id' is invalid: shipping address ${body.order_address_id} does not belong to order ${order.id}.`);
  const wanted = new Map<number, number>();
  for (const item of body.items) wanted.set(item.order_product_id, (wanted.get(item.order_product_id) ?? 0) + item.quantity);
  for (const [lineId, quantity] of wanted) {
    const line = order.lines.find((l) => l.id === lineId) ?? fail(`The order product with ID ${lineId} does not exist on order ${order.id}.`);
    if (line.type !== 'physical') fail(`The order product with ID ${lineId} is ${line.type === 'digital' ? 'a digital product' : 'a gift certificate'} and cannot be shipped.`);
    if (line.orderAddressId !== address.id) fail(`The order product with ID ${lineId} ships to address ${line.orderAddressId}, not to address ${address.id}.`);
    const unshipped = line.quantity - line.quantityShipped;
    if (quantity > unshipped) fail(`The quantity ${quantity} of order product ${lineId} is more than the ${unshipped} left to ship.`);
  }

  const shipment: SandboxShipment = {
    id: ctx.data.nextIds.shipment++,
    orderId: order.id,
    orderAddressId: address.id,
    createdMs: ctx.now(),
    trackingNumber: body.tracking_number ?? '',
    shippingMethod: body.shipping_method ?? 'None',
    shippingProvider: body.shipping_provider ?? '',
    trackingCarrier: body.tracking_carrier ?? '',
    trackingLink: body.tracking_link ?? '',
    comments: body.comments ?? '',
    merchantShippingCostUnits: body.merchant_shipping_cost !== undefined ? parseMoneyInput(body.merchant_shipping_cost) : 0,
    items: [...wanted].map(([orderProductId, quantity]) => ({ orderProductId, productId: order.lines.find((l) => l.id === orderProductId)!.productId, quantity })),
  };
  for (const [lineId, quantity] of wanted) order.lines.find((l) => l.id === lineId)!.quantityShipped += quantity;
  order.shipments.push(shipment);

  const previous = order.statusId;
  const allShipped = physicalLines(order).every((l) => l.quantityShipped >= l.quantity);
  setStatus(order, allShipped ? 2 : 3);
  if (allShipped && order.shippedMs === null) order.shippedMs = ctx.now();
  ctx.emit('store/shipment/created', { type: 'shipment', id: shipment.id, orderId: order.id });
  orderChanged(ctx, order, previous);
  return shipment;
}

export function updateShipment(ctx: SandboxContext, order: SandboxOrder, shipment: SandboxShipment, raw: unknown): SandboxShipment {
  const parsed = shipmentPut.safeParse(raw);
  if (!parsed.success) fail(zodMessage(parsed.error));
  const body = parsed.data!;
  if (body.order_address_id !== undefined && body.order_address_id !== shipment.orderAddressId) {
    fail(`The field 'order_address_id' cannot move a shipment to another address in the BigCommerce sandbox: delete it and create a new one.`);
  }
  if (body.tracking_number !== undefined) shipment.trackingNumber = body.tracking_number;
  if (body.tracking_link !== undefined) shipment.trackingLink = body.tracking_link;
  if (body.shipping_method !== undefined) shipment.shippingMethod = body.shipping_method;
  if (body.shipping_provider !== undefined) shipment.shippingProvider = body.shipping_provider;
  if (body.tracking_carrier !== undefined) shipment.trackingCarrier = body.tracking_carrier;
  if (body.comments !== undefined) shipment.comments = body.comments;
  if (body.merchant_shipping_cost !== undefined) shipment.merchantShippingCostUnits = parseMoneyInput(body.merchant_shipping_cost);
  ctx.changed();
  ctx.emit('store/shipment/updated', { type: 'shipment', id: shipment.id, orderId: order.id });
  return shipment;
}

export function deleteShipment(ctx: SandboxContext, order: SandboxOrder, shipment: SandboxShipment): void {
  for (const item of shipment.items) {
    const line = order.lines.find((l) => l.id === item.orderProductId);
    if (line) line.quantityShipped = Math.max(0, line.quantityShipped - item.quantity);
  }
  order.shipments = order.shipments.filter((s) => s.id !== shipment.id);
  ctx.changed();
  ctx.emit('store/shipment/deleted', { type: 'shipment', id: shipment.id, orderId: order.id });
}
