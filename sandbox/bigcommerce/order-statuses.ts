/**
 * GET /v2/order_statuses, as BigCommerce ships them (FACTS.md section 6; descriptions from the
 * orderStatusCollection_Resp example in orders.v2.oas2.yml). Match on id, never on name: merchants
 * can relabel statuses (`custom_label`).
 */
export const ORDER_STATUSES: ReadonlyArray<{ id: number; name: string; sort: number; description: string }> = [
  { id: 0, name: 'Incomplete', sort: 0, description: 'An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.' },
  { id: 1, name: 'Pending', sort: 1, description: 'Customer started the checkout process, but did not complete it.' },
  { id: 2, name: 'Shipped', sort: 8, description: 'Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.' },
  { id: 3, name: 'Partially Shipped', sort: 6, description: 'Only some items in the order have been shipped, due to some products being pre-order only or other reasons.' },
  { id: 4, name: 'Refunded', sort: 11, description: 'Seller has used the Refund action.' },
  { id: 5, name: 'Cancelled', sort: 9, description: 'Seller has cancelled an order, due to a stock inconsistency or other reasons.' },
  { id: 6, name: 'Declined', sort: 10, description: 'Seller has marked the order as declined for lack of manual payment, or other reasons.' },
  { id: 7, name: 'Awaiting Payment', sort: 2, description: 'Customer has completed checkout process, but payment has yet to be confirmed.' },
  { id: 8, name: 'Awaiting Pickup', sort: 5, description: 'Order has been pulled, and is awaiting customer pickup from a seller-specified location.' },
  { id: 9, name: 'Awaiting Shipment', sort: 4, description: 'Order has been pulled and packaged, and is awaiting collection from a shipping provider.' },
  { id: 10, name: 'Completed', sort: 7, description: 'Client has paid for their digital product and their file(s) are available for download.' },
  { id: 11, name: 'Awaiting Fulfillment', sort: 3, description: 'Customer has completed the checkout process and payment has been confirmed.' },
  { id: 12, name: 'Manual Verification Required', sort: 13, description: 'Order is on hold while some aspect needs to be manually confirmed.' },
  { id: 13, name: 'Disputed', sort: 12, description: 'Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.' },
  { id: 14, name: 'Partially Refunded', sort: 14, description: 'Seller has partially refunded the order.' },
];

export const statusName = (id: number): string => ORDER_STATUSES.find((s) => s.id === id)?.name ?? 'Unknown';

export const isKnownStatus = (id: number): boolean => ORDER_STATUSES.some((s) => s.id === id);

/**
 * Statuses in which the shopper's money has been taken. "The refunded status is neither paid nor
 * unpaid" (FACTS.md section 6), so 4 is not here; 14 is, since money remains captured.
 */
const PAID = new Set([2, 3, 8, 9, 10, 11, 14]);
export const isPaidStatus = (id: number): boolean => PAID.has(id);

/** orderStatus_Base, with the display position the collection example also carries as `order`. */
export const serializeStatus = (s: (typeof ORDER_STATUSES)[number]) => ({
  id: s.id,
  name: s.name,
  system_label: s.name,
  custom_label: s.name,
  system_description: s.description,
  order: s.sort,
});
