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
  ([STATUS.awaitingFulfillment, STATUS.awaitingShipment, STATUS.awaitingPickup, STATUS.partiallyShipped, STATUS.shipped, STATUS.completed, STATUS.partiallyRefunded] as number[]).includes(statusId);

/**
 * Nothing more is expected of the order: its workflow may end once quiet. A refund or a late change
 * still wakes it (a new run starts).
 */
export const isTerminal = (statusId: number): boolean =>
  ([STATUS.shipped, STATUS.refunded, STATUS.cancelled, STATUS.declined, STATUS.completed] as number[]).includes(statusId);

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
