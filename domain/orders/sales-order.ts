import type { Money } from '../shared/money';
import type { Address } from './order';

/**
 * Our model of an ERP sales order, independent of any ERP's wire format. The NetSuite connector
 * turns it into a record body; another ERP connector would take the same model.
 */
export interface SalesOrderLine {
  /**
   * What the ERP books the line on: absent for a product (the ERP item whose external id is the
   * SKU); `giftCertificate` for a gift certificate sold (BigCommerce keeps its code and balance; the
   * ERP books the liability); `nonInventory` for a custom line without a SKU. Absent rather than
   * `product` so an ordinary order maps exactly as before and is not written again.
   */
  kind?: 'giftCertificate' | 'nonInventory';
  sku: string;
  description: string;
  quantity: number;
  rate: Money;
  amount: Money;
  /** Lets fulfilment and refunds find the BigCommerce line again. */
  sourceLineId: number;
}

/** An order fee (e.g. package protection), before tax: a line on the account's fee item. */
export interface SalesOrderFee {
  sourceFeeId: number;
  description: string;
  amount: Money;
}

export interface SalesOrder {
  externalId: string;
  customer: { externalId: string; email: string; name: string };
  orderDate: string; // YYYY-MM-DD, the store's order date in UTC
  currency: string;
  memo: string;
  billTo: Address;
  shipTo: Address | null;
  shippingMethod: string;
  lines: SalesOrderLine[];
  shippingCost: Money;
  /** Absent when the order has none (so an order without fees maps as it always did). */
  fees?: SalesOrderFee[];
  discount: Money;
  taxTotal: Money;
  /** What BigCommerce says the customer pays; the ERP's own total must come out the same. */
  expectedTotal: Money;
  /**
   * Part of the total already paid with store credit or a redeemed gift certificate (payments, not
   * discounts: the total stays the same), for the ERP to record as such. Absent when zero.
   */
  paidWith?: { storeCredit?: Money; giftCertificate?: Money };
  source: { storeHash: string; orderId: number; statusId: number; status: string };
}
