import type { BcOrder } from './order';

/** What wakes an order's workflow: a trigger, or (from reconciliation) a fresh read of the order. */
export interface OrderEvent {
  scope: string;
  /** BigCommerce's payload hash (same on a duplicate delivery); reconciliation makes its own. */
  hash: string;
  /** When the change happened, Unix seconds (BigCommerce's `created_at`, or the order's date_modified). */
  createdAt: number;
  /**
   * The order as a listing just read it, and BigCommerce's clock at that read. Reconciliation
   * reads orders a page at a time; passing what it read spares each order its own read.
   */
  snapshot?: { order: BcOrder; readAtS: number };
  /**
   * `erp-total`: the repair of ERP totals found this order's sales order short of BigCommerce's
   * total: write it again even if what we would send looks unchanged, and check the total.
   */
  repair?: 'erp-total';
}
