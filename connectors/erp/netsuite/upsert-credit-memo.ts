import type { CreditMemo } from '../../../domain/refunds/credit-memo';
import { moneyToNumber } from '../../../domain/shared/money';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/** Non-inventory items for credit-memo lines that are not goods. */
export const CREDIT_MEMO_CHARGE_ITEMS = { tax: 'bcsync-sales-tax', adjustment: 'bcsync-refund-adjustment' };

/** Our credit memo -> NetSuite creditMemo record body, created from the order's sales order. */
export function toNetSuiteCreditMemo(memo: CreditMemo) {
  return {
    externalId: memo.externalId,
    entity: { externalId: memo.customerExternalId },
    createdFrom: { externalId: memo.salesOrderExternalId },
    tranDate: memo.date,
    otherRefNum: String(memo.source.refundId),
    memo: memo.memo,
    custbody_bcsync_store_hash: memo.source.storeHash,
    item: {
      items: memo.lines.map((l) => ({
        item: { externalId: l.sku ?? (l.kind === 'tax' ? CREDIT_MEMO_CHARGE_ITEMS.tax : CREDIT_MEMO_CHARGE_ITEMS.adjustment) },
        description: l.description,
        quantity: l.quantity,
        rate: moneyToNumber(l.amount) / l.quantity,
        amount: moneyToNumber(l.amount),
        custcol_bcsync_line_id: l.sourceLineId !== null ? String(l.sourceLineId) : l.kind,
      })),
    },
  };
}

/**
 * Create-or-update by external id (`PUT /creditMemo/eid:<externalId>?replace=item`, the same
 * upsert as sales orders: ns:section_156335203191). The external id comes from the refund id, so a
 * refund is booked once however often its webhook arrives or the activity is retried.
 */
export async function upsertCreditMemo(client: NetSuiteClient, memo: CreditMemo): Promise<{ internalId: string }> {
  const res = await client.request('PUT', `/creditMemo/eid:${encodeURIComponent(memo.externalId)}?replace=item`, toNetSuiteCreditMemo(memo));
  const match = /\/creditMemo\/(\d+)(?:[/?]|$)/i.exec(res.headers.get('location') ?? '');
  if (!match?.[1]) throw new ErpError('bad_response', `PUT creditMemo/eid:${memo.externalId} answered ${res.status} without a record Location`, { status: res.status });
  return { internalId: match[1] };
}

/**
 * Takes a booked refund back when BigCommerce's payment was declined: deletes the credit memo
 * (possible while nothing is applied to it; unconfirmed for accounts that auto-apply credits).
 * Idempotent: a credit memo that is already gone counts as done.
 */
export async function deleteCreditMemo(client: NetSuiteClient, externalId: string): Promise<{ existed: boolean }> {
  try {
    await client.request('DELETE', `/creditMemo/eid:${encodeURIComponent(externalId)}`);
    return { existed: true };
  } catch (err) {
    if (err instanceof ErpError && err.kind === 'not_found') return { existed: false };
    throw err;
  }
}
