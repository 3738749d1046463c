import { fromUnits, toUnits, type Money } from '../shared/money';
import type { BcOrder } from '../orders/order';
import type { BcRefund } from './refund';

/**
 * A refund or return authorised in the ERP against one of our sales orders, as the ERP -> BigCommerce
 * refund sync needs it. The ERP says WHAT goes back (which order lines, how many, shipping, an
 * amount); BigCommerce's refund quote says how much that is (it knows the tax and discount share
 * of each unit), so BigCommerce's quoted amount is what the customer gets.
 */
export type ErpRefundType = 'cashRefund' | 'returnAuthorization';
export const ERP_REFUND_TYPES: readonly ErpRefundType[] = ['cashRefund', 'returnAuthorization'];

export interface ErpRefundLine {
  /** The BigCommerce order-product id (custcol_bcsync_line_id); null for a line that is not goods. */
  lineId: number | null;
  sku: string;
  description: string;
  quantity: number;
  /** As the ERP has it (before tax, in our sandbox and in most NetSuite setups). */
  amount: Money;
}

export interface ErpRefund {
  recordType: ErpRefundType;
  recordId: string;
  /** The ERP's document number (CR1005, RMA1006): what ops and the merchant see. */
  tranId: string;
  salesOrderExternalId: string;
  /** Cash refunds are authorised when they exist; a return once it is approved (not pending approval, not cancelled). */
  authorized: boolean;
  status: string;
  lines: ErpRefundLine[];
  shippingAmount: Money;
  total: Money;
  /** Returns only: whether the ERP received the goods back (null for cash refunds). */
  goodsReceived: boolean | null;
  /** The BigCommerce refund already linked to this record (custbody_bcsync_bc_refund_id), if any. */
  bcRefundId: number | null;
  memo: string;
}

/** One item of `POST /v3/orders/{id}/payment_actions/refund_quotes` and `.../refunds`, in our names. */
export interface BcRefundRequestItem {
  itemType: 'PRODUCT' | 'SHIPPING' | 'ORDER';
  /** Order-product id (PRODUCT), order-address id (SHIPPING) or the order id (ORDER). */
  itemId: number;
  quantity?: number;
  amount?: Money;
  reason: string;
}

export class ErpRefundMappingError extends Error {
  override readonly name = 'ErpRefundMappingError';
}

/**
 * BigCommerce refunds have no idempotency key, so each one we create carries this marker in its
 * reasons; before any create we list the order's refunds and adopt the one with our marker. The
 * refund sync in the other direction (BigCommerce -> ERP) recognises it too and books nothing.
 */
export const erpRefundMarker = (recordType: ErpRefundType, recordId: string): string => `[bcsync ${recordType} ${recordId}]`;

const MARKER = /\[bcsync (cashRefund|returnAuthorization) (\d+)\]/;

/** Which ERP record a BigCommerce refund was made for, by its marker; null for a refund made in BigCommerce. */
export function erpOriginOf(refund: Pick<BcRefund, 'reason' | 'items'>): { recordType: ErpRefundType; recordId: string } | null {
  for (const text of [refund.reason, ...refund.items.map((i) => i.reason)]) {
    const m = MARKER.exec(text ?? '');
    if (m) return { recordType: m[1] as ErpRefundType, recordId: m[2]! };
  }
  return null;
}

/** The refund, among an order's, that we already made for this ERP record (a create whose answer was lost). */
export function findRefundFor(refunds: BcRefund[], recordType: ErpRefundType, recordId: string): BcRefund | undefined {
  return refunds.find((r) => {
    const origin = erpOriginOf(r);
    return origin?.recordType === recordType && origin.recordId === recordId;
  });
}

/** `bc-<storeHash>-<orderId>` -> the order, when the sales order is one of this store's. */
export function orderIdOfSalesOrder(storeHash: string, salesOrderExternalId: string): number | null {
  const prefix = `bc-${storeHash}-`;
  if (!salesOrderExternalId.startsWith(prefix)) return null;
  const rest = salesOrderExternalId.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}

/**
 * ERP refund -> the items of one BigCommerce refund. Goods lines become PRODUCT items (units of the
 * order line the ERP line points at), the ERP's shipping amount a SHIPPING item on the order's
 * first shipping address, and the lines that are not goods (a goodwill amount) one ORDER amount.
 * Throws ErpRefundMappingError for what BigCommerce could not refund as asked: the workflow parks.
 */
export function mapErpRefundToBcItems(refund: ErpRefund, order: BcOrder): BcRefundRequestItem[] {
  const marker = erpRefundMarker(refund.recordType, refund.recordId);
  const reason = `${refund.recordType === 'returnAuthorization' ? 'Return' : 'Refund'} ${refund.tranId} from the ERP ${marker}`;
  const items: BcRefundRequestItem[] = [];
  const units = new Map<number, number>();
  let otherUnits = 0;
  for (const line of refund.lines) {
    if (line.lineId === null) {
      otherUnits += toUnits(line.amount);
      continue;
    }
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      throw new ErpRefundMappingError(`${refund.tranId}: line for order product ${line.lineId} has quantity ${line.quantity}; BigCommerce refunds whole units`);
    units.set(line.lineId, (units.get(line.lineId) ?? 0) + line.quantity);
  }
  for (const [lineId, quantity] of units) {
    const orderLine = order.lines.find((l) => l.id === lineId);
    if (!orderLine) throw new ErpRefundMappingError(`${refund.tranId} names order product ${lineId}, which order ${order.id} does not have`);
    if (quantity > orderLine.quantity) throw new ErpRefundMappingError(`${refund.tranId} refunds ${quantity} x ${orderLine.sku}; order ${order.id} has ${orderLine.quantity}`);
    items.push({ itemType: 'PRODUCT', itemId: lineId, quantity, reason });
  }
  const shippingUnits = toUnits(refund.shippingAmount);
  if (shippingUnits < 0) throw new ErpRefundMappingError(`${refund.tranId}: negative shipping amount ${refund.shippingAmount}`);
  if (shippingUnits > 0) {
    const destination = order.shipping[0];
    if (!destination) throw new ErpRefundMappingError(`${refund.tranId} refunds shipping, but order ${order.id} has no shipping address`);
    items.push({ itemType: 'SHIPPING', itemId: destination.id, amount: fromUnits(shippingUnits), reason });
  }
  // A negative non-goods line (a restocking fee) would need BigCommerce item adjustments: not built.
  if (otherUnits < 0)
    throw new ErpRefundMappingError(`${refund.tranId}: lines that are not goods add up to ${fromUnits(otherUnits)}; fees taken off a refund are not supported yet`);
  if (otherUnits > 0) items.push({ itemType: 'ORDER', itemId: order.id, amount: fromUnits(otherUnits), reason });
  if (items.length === 0) throw new ErpRefundMappingError(`${refund.tranId} refunds nothing (no goods lines, shipping or amount)`);
  return items;
}
