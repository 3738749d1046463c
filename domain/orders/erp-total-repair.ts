import { erpSalesOrderExternalId } from '../shared/ids';
import type { Money } from '../shared/money';
import { erpTotalMismatch, isCancelled, isIncomplete } from './lifecycle';

/** An order's id, status and total: what the repair of ERP totals compares (no personal data). */
export interface OrderTotal {
  orderId: number;
  statusId: number;
  totalIncTax: Money;
}

export interface TotalDifference {
  orderId: number;
  bigcommerce: Money;
  erp: Money;
}

export interface TotalsComparison {
  checked: number;
  /** Not in the ERP (never synced, or not yet): reconciliation's business, not this repair's. */
  notInErp: number;
  /** The ERP's total differs on an open order: to be written again. */
  toRewrite: TotalDifference[];
  /**
   * The ERP's total differs on a cancelled or declined order: its sales order is closed, and
   * writing it again would reopen it, so it is only reported.
   */
  closedDifferent: TotalDifference[];
}

/**
 * One page of BigCommerce's orders against the ERP's totals for them. Pure: the repair workflow
 * decides with it.
 */
export function compareTotals(storeHash: string, orders: OrderTotal[], erpTotals: Record<string, { total: Money }>): TotalsComparison {
  const out: TotalsComparison = { checked: 0, notInErp: 0, toRewrite: [], closedDifferent: [] };
  for (const o of orders) {
    if (isIncomplete(o.statusId)) continue;
    out.checked++;
    const erp = erpTotals[erpSalesOrderExternalId(storeHash, o.orderId)];
    if (!erp) {
      out.notInErp++;
      continue;
    }
    const m = erpTotalMismatch(o.totalIncTax, erp.total);
    if (!m) continue;
    const diff = { orderId: o.orderId, bigcommerce: m.bigcommerce, erp: m.erp };
    (isCancelled(o.statusId) ? out.closedDifferent : out.toRewrite).push(diff);
  }
  return out;
}
