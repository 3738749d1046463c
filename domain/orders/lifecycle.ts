import { toUnits, type Money } from '../shared/money';
import type { SalesOrder } from './sales-order';

/**
 * What each BigCommerce order status means for the sync (status ids, never labels: merchants
 * rename labels; FACTS.md section 6). Pure: the workflow decides with these.
 */
export const STATUS = {
  incomplete: 0,
  pending: 1,
  shipped: 2,
  partiallyShipped: 3,
  refunded: 4,
  cancelled: 5,
  declined: 6,
  awaitingPayment: 7,
  awaitingPickup: 8,
  awaitingShipment: 9,
  completed: 10,
  awaitingFulfillment: 11,
  manualVerificationRequired: 12,
  disputed: 13,
  partiallyRefunded: 14,
} as const;

/** Not a real order yet (checkout abandoned at payment): nothing to sync. */
export const isIncomplete = (statusId: number): boolean => statusId === STATUS.incomplete;

/** The order is dead: undo it in the ERP and the OMS. */
export const isCancelled = (statusId: number): boolean => statusId === STATUS.cancelled || statusId === STATUS.declined;

/** Paid and to be shipped, or already on its way: the OMS must have it. */
export const wantsFulfilment = (statusId: number): boolean =>
  (
    [STATUS.awaitingFulfillment, STATUS.awaitingShipment, STATUS.awaitingPickup, STATUS.partiallyShipped, STATUS.shipped, STATUS.completed, STATUS.partiallyRefunded] as number[]
  ).includes(statusId);

/**
 * Nothing more is expected of the order: its workflow may end once quiet. A refund or a late change
 * still wakes it (a new run starts).
 */
export const isTerminal = (statusId: number): boolean => ([STATUS.shipped, STATUS.refunded, STATUS.cancelled, STATUS.declined, STATUS.completed] as number[]).includes(statusId);

/**
 * What decides whether the ERP needs a write: the order's content, not its status. A status change
 * (paid, shipped) is not an ERP change; cancellation is handled separately (the ERP order closes).
 */
export function erpContent(so: SalesOrder): Omit<SalesOrder, 'source'> {
  const { source: _source, ...content } = so;
  return content;
}

/** BigCommerce says money went back: the status, or the payment status (which a later shipment does not change). */
export const hasRefunds = (order: { statusId: number; paymentStatus: string }): boolean =>
  order.statusId === STATUS.refunded || order.statusId === STATUS.partiallyRefunded || /refunded/.test(order.paymentStatus);

/** Both figures of an ERP total that differs from BigCommerce's. */
export interface TotalMismatch {
  bigcommerce: Money;
  erp: Money;
}

const cents = (m: Money): number => Math.round(toUnits(m) / 100);

/**
 * The ERP's total against BigCommerce's `total_inc_tax`, to the cent (the ERP keeps the currency's
 * precision; BigCommerce four decimals). Null when they agree.
 */
export function erpTotalMismatch(bigcommerce: Money, erp: Money): TotalMismatch | null {
  return cents(bigcommerce) === cents(erp) ? null : { bigcommerce, erp };
}

/** How a total mismatch reads for ops (the order's parked problem). */
export function totalMismatchMessage(m: TotalMismatch): string {
  const diff = (cents(m.bigcommerce) - cents(m.erp)) / 100;
  return `the ERP's total ${m.erp} differs from BigCommerce's total_inc_tax ${m.bigcommerce} (${diff > 0 ? 'short by' : 'over by'} ${Math.abs(diff).toFixed(2)}): fix the mapping or the ERP items, then retry (writes the order again and checks), or resolve to accept the ERP's figure`;
}
