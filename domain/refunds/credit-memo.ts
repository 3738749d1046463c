import type { Money } from '../shared/money';

/**
 * Our model of an ERP credit memo (money back to the customer), independent of the ERP's wire
 * format. Lines point back at the sales order's lines (`sourceLineId`, the BigCommerce
 * order-product id) so the ERP can tell which goods the money is for.
 */
export interface CreditMemoLine {
  kind: 'product' | 'tax' | 'adjustment';
  sku: string | null;
  description: string;
  quantity: number;
  amount: Money;
  sourceLineId: number | null;
}

export interface CreditMemo {
  externalId: string;
  salesOrderExternalId: string;
  customerExternalId: string;
  date: string; // YYYY-MM-DD
  memo: string;
  lines: CreditMemoLine[];
  /** BigCommerce's refund total: the ERP's own total (the sum of the lines) must come out the same. */
  total: Money;
  source: { storeHash: string; orderId: number; refundId: number };
}
