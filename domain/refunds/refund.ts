import type { Money } from '../shared/money';

/**
 * A BigCommerce refund as the sync needs it (Orders V3 payment actions; FACTS.md section 7).
 * Items name what was refunded but carry no amounts: only the refund's totals do.
 */
export interface BcRefundItem {
  /** PRODUCT, GIFT_WRAPPING, SHIPPING, HANDLING, ORDER, FEE, TAX */
  itemType: string;
  /** The order-product id (PRODUCT, GIFT_WRAPPING), order-address id (SHIPPING, HANDLING) or order id. */
  itemId: number;
  quantity: number | null;
  reason: string;
}

export interface BcRefundPayment {
  id: number;
  providerId: string;
  amount: Money;
  offline: boolean;
  /** Set later by BigCommerce: the payment runs asynchronously and may be declined after the refund exists. */
  isDeclined: boolean;
  declinedMessage: string;
}

export interface BcRefund {
  id: number;
  orderId: number;
  created: string;
  reason: string;
  /** What the customer gets back, tax included. */
  totalAmount: Money;
  totalTax: Money;
  items: BcRefundItem[];
  payments: BcRefundPayment[];
}

export const isDeclined = (refund: BcRefund): boolean => refund.payments.some((p) => p.isDeclined);
