/**
 * Temporal task priorities (1 = first, 5 = last; unset = 3) on the shared BigCommerce queue: when a
 * store's quota is short, order work is dispatched before catalog and inventory batches. Measured
 * in bench/README.md ("priority"): it holds on a single-partition queue, which is how the
 * BigCommerce queues must be configured (docs/deployment.md).
 */
export const PRIORITY = {
  orders: { priorityKey: 1 },
  reconcile: { priorityKey: 2 },
  batch: { priorityKey: 4 },
} as const;
