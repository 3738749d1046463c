import type { Money } from './money';
import type { Address } from './order';

/**
 * Our model of an ERP sales order, independent of any ERP's wire format. The NetSuite connector
 * turns it into a record body; another ERP connector would take the same model.
 */
export interface SalesOrderLine {
  sku: string;
  description: string;
  quantity: number;
  rate: Money;
  amount: Money;
  /** Lets fulfilment and refunds find the BigCommerce line again. */
  sourceLineId: number;
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
  discount: Money;
  taxTotal: Money;
  /** What BigCommerce says the customer pays; the ERP's own total must come out the same. */
  expectedTotal: Money;
  source: { storeHash: string; orderId: number; statusId: number; status: string };
}
