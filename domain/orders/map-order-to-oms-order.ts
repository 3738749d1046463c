import { omsOrderKey } from '../shared/ids';
import { addMoney } from '../shared/money';
import type { OmsOrder, OmsOrderStatus } from './oms-order';
import type { BcOrder } from './order';

export interface OmsMappingOptions {
  /** Store SKU -> the SKU the OMS/3PL knows, set by ops to correct SKUs the 3PL rejected. */
  skuMap?: Record<string, string>;
}

/**
 * BigCommerce status id -> OMS status (ids, never labels: merchants rename labels).
 * Paid orders are ready for the warehouse; unpaid ones wait; orders a human must look at are held;
 * dead or fully refunded orders are cancelled. An id we do not know is held: nothing ships until
 * someone decides.
 */
const STATUS_BY_BC_ID: Record<number, OmsOrderStatus> = {
  0: 'awaiting_payment', // Incomplete
  1: 'awaiting_payment', // Pending
  2: 'awaiting_shipment', // Shipped (paid; the OMS order is locked by then anyway)
  3: 'awaiting_shipment', // Partially Shipped
  4: 'cancelled', // Refunded: nothing left to ship
  5: 'cancelled', // Cancelled
  6: 'cancelled', // Declined
  7: 'awaiting_payment', // Awaiting Payment
  8: 'awaiting_shipment', // Awaiting Pickup
  9: 'awaiting_shipment', // Awaiting Shipment
  10: 'awaiting_shipment', // Completed
  11: 'awaiting_shipment', // Awaiting Fulfillment
  12: 'on_hold', // Manual Verification Required
  13: 'on_hold', // Disputed
  14: 'awaiting_shipment', // Partially Refunded
};

export const omsStatusForBcStatus = (statusId: number): OmsOrderStatus => STATUS_BY_BC_ID[statusId] ?? 'on_hold';

/**
 * BigCommerce order -> OMS order. Pure, so the workflow may call it and unit tests pin it down.
 *
 * - Only lines in shipping consignments go to the OMS: digital products (download consignments)
 *   have nothing to ship, and pickup lines leave from the store, not the 3PL's warehouse. An order
 *   with none has `items: []`, and the caller should not send it.
 * - One OMS order has one ship-to. An order shipping to several addresses goes to the first with
 *   all its lines and is put on hold with a note, so the warehouse splits it instead of shipping
 *   everything to one address.
 * - Amounts exclude tax per unit; tax and shipping (with handling and wrapping) travel as totals.
 */
export function mapOrderToOmsOrder(storeHash: string, order: BcOrder, options: OmsMappingOptions = {}): OmsOrder {
  const skuMap = options.skuMap ?? {};
  const shippedLineIds = new Set(order.shipping.flatMap((d) => d.lineIds));
  const first = order.shipping[0];
  const notes = [`BigCommerce order #${order.id} (store ${storeHash})`];

  let status = omsStatusForBcStatus(order.statusId);
  if (order.shipping.length > 1 && status !== 'cancelled') {
    status = 'on_hold';
    notes.push(
      `Ships to ${order.shipping.length} addresses: split before shipping. ` +
        order.shipping.map((d) => `Lines ${d.lineIds.join(', ')} to ${d.address.firstName} ${d.address.lastName}, ${d.address.street1}, ${d.address.city}`).join('; '),
    );
  }
  const paid = status !== 'awaiting_payment';

  return {
    orderKey: omsOrderKey(storeHash, order.id),
    orderNumber: String(order.id),
    orderDate: order.dateCreated,
    // BigCommerce has no payment date on orders; gateways capture at checkout, so that is the date.
    paymentDate: paid ? order.dateCreated : null,
    status,
    customerEmail: order.billingAddress.email,
    billTo: order.billingAddress,
    shipTo: first ? first.address : order.billingAddress,
    items: order.lines
      .filter((l) => shippedLineIds.has(l.id) && l.quantity > 0)
      .map((l) => ({ lineItemKey: String(l.id), sku: skuMap[l.sku] ?? l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPriceExTax })),
    amountPaid: paid ? order.totalIncTax : '0.0000',
    taxAmount: order.totalTax,
    shippingAmount: addMoney(order.shippingExTax, order.handlingExTax, order.wrappingExTax),
    requestedShippingService: first ? first.method : '',
    customerNotes: order.customerMessage,
    internalNotes: notes.join('. '),
  };
}
