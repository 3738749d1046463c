import type { Money } from '../shared/money';
import type { Address } from './order';

/**
 * Our model of an order in the OMS/3PL, independent of any OMS's wire format: the ShipStation
 * connector turns it into ShipStation's Order model; another OMS connector would take the same.
 * It is built by a pure mapping inside the workflow, so it lands in workflow history: keep it small.
 */
export type OmsOrderStatus = 'awaiting_payment' | 'awaiting_shipment' | 'on_hold' | 'cancelled';

export interface OmsOrderItem {
  /** BigCommerce's order-product id: shipments come back keyed by it. */
  lineItemKey: string;
  /** The SKU the OMS knows the product by (after the ops-provided SKU map). */
  sku: string;
  name: string;
  quantity: number;
  /** Price of one unit, excluding tax. */
  unitPrice: Money;
}

export interface OmsOrder {
  /** Idempotency key in the OMS: `bc-<storeHash>-<orderId>` (domain/shared/ids.ts). */
  orderKey: string;
  orderNumber: string;
  /** ISO-8601 instants in UTC; connectors convert to their OMS's time zone. */
  orderDate: string;
  paymentDate: string | null;
  status: OmsOrderStatus;
  customerEmail: string;
  billTo: Address;
  shipTo: Address;
  /** Physical lines only: there is nothing to ship for digital products. */
  items: OmsOrderItem[];
  amountPaid: Money;
  taxAmount: Money;
  shippingAmount: Money;
  /** The shipping method the shopper chose at checkout. */
  requestedShippingService: string;
  customerNotes: string;
  /** For the warehouse's staff, never shown to the shopper. */
  internalNotes: string;
}
