/** GET /v2/order_statuses, as BigCommerce ships them (FACTS.md section 6). Match on id, never on name. */
export const ORDER_STATUSES: ReadonlyArray<{ id: number; name: string; sort: number }> = [
  { id: 0, name: 'Incomplete', sort: 0 },
  { id: 1, name: 'Pending', sort: 1 },
  { id: 2, name: 'Shipped', sort: 8 },
  { id: 3, name: 'Partially Shipped', sort: 6 },
  { id: 4, name: 'Refunded', sort: 11 },
  { id: 5, name: 'Cancelled', sort: 9 },
  { id: 6, name: 'Declined', sort: 10 },
  { id: 7, name: 'Awaiting Payment', sort: 2 },
  { id: 8, name: 'Awaiting Pickup', sort: 5 },
  { id: 9, name: 'Awaiting Shipment', sort: 4 },
  { id: 10, name: 'Completed', sort: 7 },
  { id: 11, name: 'Awaiting Fulfillment', sort: 3 },
  { id: 12, name: 'Manual Verification Required', sort: 13 },
  { id: 13, name: 'Disputed', sort: 12 },
  { id: 14, name: 'Partially Refunded', sort: 14 },
];

export const statusName = (id: number): string => ORDER_STATUSES.find((s) => s.id === id)?.name ?? 'Unknown';
