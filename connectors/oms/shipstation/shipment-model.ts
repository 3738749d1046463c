import type { OmsShipment } from '../../../domain/orders/oms-shipment';
import { fromPacificLocal } from './pacific-time';
import type { SsShipment } from './schemas';

/**
 * ShipStation's Shipment -> ours. `createDate` is Pacific wall-clock time (FACTS.md section 3) and
 * becomes UTC; `shipDate` is a calendar date and stays one. A shipment read without
 * includeShipmentItems has `shipmentItems: null`: callers always ask for items, so null here
 * would mean ShipStation ignored the flag, and the empty list makes that visible downstream.
 */
export function toOmsShipment(s: SsShipment): OmsShipment {
  return {
    shipmentId: s.shipmentId,
    orderId: s.orderId,
    orderKey: s.orderKey ?? '',
    orderNumber: s.orderNumber,
    trackingNumber: s.trackingNumber ?? null,
    carrierCode: s.carrierCode ?? null,
    serviceCode: s.serviceCode ?? null,
    shipDate: s.shipDate.slice(0, 10),
    createdAt: fromPacificLocal(s.createDate),
    voided: s.voided,
    items: (s.shipmentItems ?? []).map((i) => ({ lineItemKey: i.lineItemKey ?? null, sku: i.sku ?? '', quantity: i.quantity })),
  };
}
