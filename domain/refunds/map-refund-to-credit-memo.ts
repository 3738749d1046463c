import type { CreditMemo, CreditMemoLine } from './credit-memo';
import { erpCreditMemoExternalId, erpCustomerExternalId, erpSalesOrderExternalId } from '../shared/ids';
import { fromUnits, toUnits } from '../shared/money';
import type { BcOrder } from '../orders/order';
import type { BcRefund } from './refund';

/**
 * BigCommerce refund -> ERP credit memo. Pure, so the workflow may call it and tests pin it down.
 *
 * BigCommerce gives amounts only for the whole refund (total with tax, and the tax), not per item.
 * Product items become lines at their share of the sales-order line (the line's amount before tax
 * x refunded units / ordered units), the refund's tax becomes a tax line, and whatever is left
 * (shipping, handling, an ORDER amount, rounding) one adjustment line, so the credit memo's total
 * is exactly the refund's.
 */
export function mapRefundToCreditMemo(storeHash: string, order: BcOrder, refund: BcRefund): CreditMemo {
  const lines: CreditMemoLine[] = [];
  for (const item of refund.items) {
    if (item.itemType !== 'PRODUCT' || !item.quantity) continue;
    const line = order.lines.find((l) => l.id === item.itemId);
    if (!line) throw new Error(`refund ${refund.id} names order product ${item.itemId}, which order ${order.id} does not have`);
    // A gift certificate or a custom line has no ERP item to return: its money goes in the adjustment line.
    if (line.kind === 'giftCertificate' || !line.sku) continue;
    const share = Math.round((toUnits(line.totalExTax) * item.quantity) / line.quantity);
    lines.push({ kind: 'product', sku: line.sku, description: line.name, quantity: item.quantity, amount: fromUnits(share), sourceLineId: line.id });
  }
  const taxUnits = toUnits(refund.totalTax);
  if (taxUnits !== 0)
    lines.push({ kind: 'tax', sku: null, description: 'Sales tax refunded (calculated by BigCommerce)', quantity: 1, amount: fromUnits(taxUnits), sourceLineId: null });
  const restUnits = toUnits(refund.totalAmount) - lines.reduce((sum, l) => sum + toUnits(l.amount), 0);
  if (restUnits !== 0 || lines.length === 0) {
    const asProduct = new Set(lines.filter((l) => l.kind === 'product').map((l) => l.sourceLineId));
    const kinds = [
      ...new Set(
        refund.items
          .filter((i) => i.itemType !== 'PRODUCT' || !asProduct.has(i.itemId))
          .map((i) => (i.itemType === 'PRODUCT' ? 'gift certificate or custom line' : i.itemType.toLowerCase().replace('_', ' '))),
      ),
    ];
    lines.push({
      kind: 'adjustment',
      sku: null,
      description: kinds.length ? `Refunded ${kinds.join(', ')}` : 'Refund rounding',
      quantity: 1,
      amount: fromUnits(restUnits),
      sourceLineId: null,
    });
  }
  const reasons = [...new Set([refund.reason, ...refund.items.map((i) => i.reason)].filter(Boolean))];
  return {
    externalId: erpCreditMemoExternalId(storeHash, refund.id),
    salesOrderExternalId: erpSalesOrderExternalId(storeHash, order.id),
    customerExternalId: erpCustomerExternalId(storeHash, order.customerId),
    date: refund.created.slice(0, 10),
    memo: [`BigCommerce refund #${refund.id} of order #${order.id}`, ...reasons].join('. ').slice(0, 999),
    lines,
    total: refund.totalAmount,
    source: { storeHash, orderId: order.id, refundId: refund.id },
  };
}
