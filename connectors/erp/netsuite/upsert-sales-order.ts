import { moneyToNumber } from '../../../domain/shared/money';
import type { Address } from '../../../domain/orders/order';
import type { SalesOrder } from '../../../domain/orders/sales-order';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/**
 * Items the account must have for charges that are not products. NetSuite has no writable tax
 * amount under SuiteTax, so BigCommerce's tax travels as a line on a non-inventory "sales tax"
 * item; the order discount uses the header discount item with a negative amount as its rate.
 */
export interface NetSuiteChargeItems {
  taxItemExternalId: string;
  discountItemExternalId: string;
  /** Gift certificates sold: a non-inventory item for sale posting to the gift certificate liability. */
  giftCertificateItemExternalId: string;
  /** Order fees (package protection, ...): a non-inventory item for sale or an other charge item. */
  feeItemExternalId: string;
  /** Custom lines without a SKU. */
  nonInventoryItemExternalId: string;
}

export const DEFAULT_CHARGE_ITEMS: NetSuiteChargeItems = {
  taxItemExternalId: 'bcsync-sales-tax',
  discountItemExternalId: 'bcsync-discount',
  giftCertificateItemExternalId: 'bcsync-gift-certificate',
  feeItemExternalId: 'bcsync-fee',
  nonInventoryItemExternalId: 'bcsync-non-inventory',
};

const toNetSuiteAddress = (a: Address) => ({
  addressee: `${a.firstName} ${a.lastName}`.trim(),
  attention: a.company || undefined,
  addr1: a.street1,
  addr2: a.street2 || undefined,
  city: a.city,
  state: a.state,
  zip: a.zip,
  country: { id: a.countryIso2 },
  addrPhone: a.phone || undefined,
});

/** Our sales order -> NetSuite salesOrder record body. */
export function toNetSuiteSalesOrder(order: SalesOrder, items: NetSuiteChargeItems = DEFAULT_CHARGE_ITEMS, contentFingerprint?: string) {
  const itemOf = (line: SalesOrder['lines'][number]): string =>
    line.kind === 'giftCertificate' ? items.giftCertificateItemExternalId : line.kind === 'nonInventory' ? items.nonInventoryItemExternalId : line.sku;
  const lines = order.lines.map((line) => ({
    // Products are referenced by externalId = SKU; accounts keyed otherwise need a SKU map (not built yet).
    item: { externalId: itemOf(line) },
    description: line.description,
    quantity: line.quantity,
    rate: moneyToNumber(line.rate),
    amount: moneyToNumber(line.amount),
    custcol_bcsync_line_id: String(line.sourceLineId),
  }));
  for (const fee of order.fees ?? []) {
    lines.push({
      item: { externalId: items.feeItemExternalId },
      description: fee.description,
      quantity: 1,
      rate: moneyToNumber(fee.amount),
      amount: moneyToNumber(fee.amount),
      custcol_bcsync_line_id: `fee-${fee.sourceFeeId}`,
    });
  }
  if (moneyToNumber(order.taxTotal) !== 0) {
    lines.push({
      item: { externalId: items.taxItemExternalId },
      description: 'Sales tax (calculated by BigCommerce)',
      quantity: 1,
      rate: moneyToNumber(order.taxTotal),
      amount: moneyToNumber(order.taxTotal),
      custcol_bcsync_line_id: 'tax',
    });
  }
  const discount = moneyToNumber(order.discount);
  return {
    externalId: order.externalId,
    entity: { externalId: order.customer.externalId },
    email: order.customer.email,
    tranDate: order.orderDate,
    currency: { refName: order.currency },
    otherRefNum: String(order.source.orderId),
    memo: order.memo.slice(0, 999),
    billingAddress: toNetSuiteAddress(order.billTo),
    shippingAddress: order.shipTo ? toNetSuiteAddress(order.shipTo) : undefined,
    shippingCost: moneyToNumber(order.shippingCost),
    ...(discount !== 0 ? { discountItem: { externalId: items.discountItemExternalId }, discountRate: -discount } : {}),
    custbody_bcsync_store_hash: order.source.storeHash,
    custbody_bcsync_ship_method: order.shippingMethod,
    custbody_bcsync_bc_status: order.source.status,
    ...(contentFingerprint ? { custbody_bcsync_fingerprint: contentFingerprint } : {}),
    // Payments already made toward the total, for the ERP's deposit or payment records.
    ...(order.paidWith?.storeCredit ? { custbody_bcsync_store_credit_paid: moneyToNumber(order.paidWith.storeCredit) } : {}),
    ...(order.paidWith?.giftCertificate ? { custbody_bcsync_gift_certificate_paid: moneyToNumber(order.paidWith.giftCertificate) } : {}),
    item: { items: lines },
  };
}

/**
 * Create-or-update by external id: `PUT /salesOrder/eid:<externalId>` (ns:section_156335203191).
 * Safe to repeat, so a retry after a timeout cannot create a second order. `?replace=item` makes
 * the request's lines replace the record's, so a removed BigCommerce line disappears in the ERP.
 * NetSuite answers 204 with the record's URL, and so its internal id, only in `Location`.
 */
export async function upsertSalesOrder(
  client: NetSuiteClient,
  order: SalesOrder,
  items: NetSuiteChargeItems = DEFAULT_CHARGE_ITEMS,
  contentFingerprint?: string,
): Promise<{ internalId: string }> {
  const res = await client.request('PUT', `/salesOrder/eid:${encodeURIComponent(order.externalId)}?replace=item`, toNetSuiteSalesOrder(order, items, contentFingerprint));
  const location = res.headers.get('location') ?? '';
  const match = /\/salesOrder\/(\d+)(?:[/?]|$)/i.exec(location);
  if (!match?.[1]) {
    throw new ErpError('bad_response', `PUT salesOrder/eid:${order.externalId} answered ${res.status} without a record Location`, {
      status: res.status,
    });
  }
  return { internalId: match[1] };
}
