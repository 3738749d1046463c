import type { OmsShipment } from './oms-shipment';
import type { BcOrder } from './order';

/**
 * BigCommerce's own shipping-provider codes (orders.v2.oas2.yml, shipping_provider); anything else
 * travels as `tracking_carrier` text with an empty provider.
 */
const BC_PROVIDERS: Record<string, string> = {
  ups: 'ups',
  fedex: 'fedex',
  usps: 'usps',
  stamps_com: 'usps',
  endicia: 'endicia',
  canada_post: 'canadapost',
  royal_mail: 'royalmail',
  australia_post: 'auspost',
};

/**
 * An OMS shipment as the BigCommerce shipment to create: lines by BigCommerce order-product id (the
 * OMS line key), grouped under the consignment (order address) those lines ship to. Undefined when
 * nothing in it belongs to the order (voided, or lines unknown to BigCommerce).
 */
export function shipmentForBigCommerce(order: BcOrder, shipment: OmsShipment): NewShipment | undefined {
  if (shipment.voided) return undefined;
  const items = shipment.items
    .map((i) => ({ orderProductId: Number(i.lineItemKey), quantity: i.quantity }))
    .filter((i) => Number.isInteger(i.orderProductId) && order.lines.some((l) => l.id === i.orderProductId) && i.quantity > 0);
  if (items.length === 0) return undefined;
  const destination = order.shipping.find((d) => d.lineIds.includes(items[0]!.orderProductId)) ?? order.shipping[0];
  if (!destination) return undefined;
  const carrier = (shipment.carrierCode ?? '').toLowerCase();
  return {
    orderAddressId: destination.id,
    items: items.filter((i) => destination.lineIds.includes(i.orderProductId)),
    trackingNumber: shipment.trackingNumber ?? '',
    shippingProvider: BC_PROVIDERS[carrier] ?? '',
    trackingCarrier: BC_PROVIDERS[carrier] ? '' : carrier,
    marker: `oms-shipment:${shipment.shipmentId}`,
  };
}

export interface NewShipment {
  orderAddressId: number;
  items: Array<{ orderProductId: number; quantity: number }>;
  trackingNumber: string;
  /** BigCommerce's own provider codes (ups, fedex, usps, ...); '' when the carrier is not one of them. */
  shippingProvider: string;
  trackingCarrier: string;
  /** Where the shipment came from, e.g. "oms-shipment:4123": how a retry recognises its own earlier create. */
  marker: string;
}
