import type { OmsContext } from './context';
import { SsRequestError } from './errors';
import { pacificDate, pacificDateTime } from './pacific-time';
import type { SsOrder, SsShipment, SsShipmentItem } from './state';

export interface ShipRequest {
  trackingNumber?: string;
  carrierCode?: string;
  serviceCode?: string;
  /** Lines and quantities in this package; everything still unshipped when absent. */
  items?: Array<{ lineItemKey: string; quantity: number }>;
}

/** Quantities already in non-voided shipments, per orderItemId. */
function shippedQuantities(ctx: OmsContext, order: SsOrder): Map<number, number> {
  const shipped = new Map<number, number>();
  for (const s of Object.values(ctx.data.shipments)) {
    if (s.orderId !== order.orderId || s.voided) continue;
    for (const i of s.items) shipped.set(i.orderItemId, (shipped.get(i.orderItemId) ?? 0) + i.quantity);
  }
  return shipped;
}

/** What ShipStation's own tracking numbers look like for USPS: 22 digits. */
function nextTrackingNumber(ctx: OmsContext): string {
  const n = ctx.data.nextIds.tracking++;
  return `9400111${String(n).padStart(15, '0')}`;
}

/**
 * The warehouse ships (all or part of) an order: a label in a new batch, the order `shipped` once
 * every item is in a shipment, and SHIP_NOTIFY to the subscribers. Only `awaiting_shipment`
 * orders ship: ShipStation does not create labels for unpaid, held or cancelled orders.
 */
export function shipOrder(ctx: OmsContext, orderKey: string, request: ShipRequest, baseUrl: string): SsShipment {
  const order = Object.values(ctx.data.orders).find((o) => o.orderKey === orderKey);
  if (!order) throw new SsRequestError(404, `No order with orderKey ${orderKey}.`);
  if (order.orderStatus !== 'awaiting_shipment') throw new SsRequestError(409, `Order ${orderKey} is ${order.orderStatus}; only awaiting_shipment orders can be shipped.`);
  const shipped = shippedQuantities(ctx, order);
  const physical = order.items.filter((i) => !i.adjustment);
  const remaining = (itemId: number, quantity: number) => quantity - (shipped.get(itemId) ?? 0);

  let items: SsShipmentItem[];
  if (request.items) {
    items = request.items.map((r) => {
      const item = physical.find((i) => i.lineItemKey === r.lineItemKey);
      if (!item) throw new SsRequestError(400, `Order ${orderKey} has no line with lineItemKey ${r.lineItemKey}.`);
      if (r.quantity > remaining(item.orderItemId, item.quantity)) {
        throw new SsRequestError(400, `Line ${r.lineItemKey} has ${remaining(item.orderItemId, item.quantity)} left to ship, not ${r.quantity}.`);
      }
      return toShipmentItem(item, r.quantity);
    });
  } else {
    items = physical.filter((i) => remaining(i.orderItemId, i.quantity) > 0).map((i) => toShipmentItem(i, remaining(i.orderItemId, i.quantity)));
  }
  items = items.filter((i) => i.quantity > 0);
  if (items.length === 0) throw new SsRequestError(400, `Order ${orderKey} has nothing left to ship.`);

  const nowMs = ctx.now();
  const shipment: SsShipment = {
    shipmentId: ctx.data.nextIds.shipment++,
    orderId: order.orderId,
    orderKey: order.orderKey,
    orderNumber: order.orderNumber,
    batchId: ctx.data.nextIds.batch++,
    createDate: pacificDateTime(nowMs),
    shipDate: pacificDate(nowMs),
    trackingNumber: request.trackingNumber ?? nextTrackingNumber(ctx),
    carrierCode: request.carrierCode ?? order.carrierCode ?? 'stamps_com',
    serviceCode: request.serviceCode ?? order.serviceCode ?? 'usps_priority_mail',
    voided: false,
    voidDate: null,
    shipTo: { ...order.shipTo },
    items,
    storeId: order.storeId,
    createdMs: nowMs,
  };
  ctx.data.shipments[String(shipment.shipmentId)] = shipment;
  for (const i of items) shipped.set(i.orderItemId, (shipped.get(i.orderItemId) ?? 0) + i.quantity);
  if (physical.every((i) => remaining(i.orderItemId, i.quantity) <= 0)) {
    order.orderStatus = 'shipped';
    order.shipDate = shipment.shipDate;
    order.carrierCode = shipment.carrierCode;
    order.serviceCode = shipment.serviceCode;
    order.modifyDate = pacificDateTime(nowMs);
  }
  ctx.changed();
  // The resource_url ShipStation sends: the batch's shipments, with the store as `storeID`.
  ctx.notifier.notify('SHIP_NOTIFY', `${baseUrl}/shipments?storeID=${order.storeId}&batchId=${shipment.batchId}`, order.storeId);
  return shipment;
}

function toShipmentItem(i: SsOrder['items'][number], quantity: number): SsShipmentItem {
  return { orderItemId: i.orderItemId, lineItemKey: i.lineItemKey, sku: i.sku, name: i.name, quantity, unitPrice: i.unitPrice, productId: i.productId };
}

/** A voided label: the shipment stays listed with `voided: true`; a shipped order is open again. */
export function voidShipment(ctx: OmsContext, shipmentId: string): SsShipment {
  const shipment = ctx.data.shipments[shipmentId];
  if (!shipment) throw new SsRequestError(404, `No shipment ${shipmentId}.`);
  if (shipment.voided) throw new SsRequestError(409, `Shipment ${shipmentId} is already voided.`);
  shipment.voided = true;
  shipment.voidDate = pacificDateTime(ctx.now());
  const order = ctx.data.orders[String(shipment.orderId)];
  if (order && order.orderStatus === 'shipped') {
    order.orderStatus = 'awaiting_shipment';
    order.modifyDate = pacificDateTime(ctx.now());
  }
  ctx.changed();
  return shipment;
}
