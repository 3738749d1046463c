import { z } from 'zod';
import type { ErpRefund, ErpRefundType } from '../../../domain/refunds/erp-refund';
import { fromUnits, toUnits } from '../../../domain/shared/money';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/** The custom body field where the BigCommerce refund id is kept on the ERP record, for ops and the sweep. */
export const BC_REFUND_ID_FIELD = 'custbody_bcsync_bc_refund_id';

// --- NetSuite's shape (cashRefund / returnAuthorization with expandSubResources=true) ---

const ref = z.object({ id: z.string(), externalId: z.string().optional(), refName: z.string().optional() });
const num = z.union([z.number(), z.string().transform(Number)]);

const netSuiteRefundSchema = z.object({
  id: z.string(),
  tranId: z.string().default(''),
  createdFrom: ref,
  status: z.object({ id: z.string(), refName: z.string().default('') }).optional(),
  memo: z.string().nullish(),
  shippingCost: num.nullish(),
  total: num.nullish(),
  [BC_REFUND_ID_FIELD]: z.union([z.string(), z.number()]).nullish(),
  item: z.object({
    items: z
      .array(
        z.object({
          item: ref,
          description: z.string().nullish(),
          quantity: num,
          amount: num,
          custcol_bcsync_line_id: z.string().nullish(),
          quantityReceived: num.nullish(),
        }),
      )
      .default([]),
  }),
});
type NetSuiteRefund = z.output<typeof netSuiteRefundSchema>;

const money = (n: number | null | undefined) => fromUnits(toUnits(n ?? 0));

/** NetSuite return statuses that mean "not (or no longer) authorised": Pending Approval, Cancelled. */
const RETURN_NOT_AUTHORIZED = new Set(['A', 'C']);

export function toErpRefund(recordType: ErpRefundType, r: NetSuiteRefund): ErpRefund {
  const goods = r.item.items.filter((l) => l.custcol_bcsync_line_id && /^\d+$/.test(l.custcol_bcsync_line_id));
  const isReturn = recordType === 'returnAuthorization';
  const linked = r[BC_REFUND_ID_FIELD];
  return {
    recordType,
    recordId: r.id,
    tranId: r.tranId || `${recordType} ${r.id}`,
    salesOrderExternalId: r.createdFrom.externalId ?? '',
    authorized: !isReturn || !RETURN_NOT_AUTHORIZED.has(r.status?.id ?? ''),
    status: r.status?.refName ?? '',
    lines: r.item.items.map((l) => ({
      lineId: l.custcol_bcsync_line_id && /^\d+$/.test(l.custcol_bcsync_line_id) ? Number(l.custcol_bcsync_line_id) : null,
      sku: l.item.refName ?? l.item.externalId ?? l.item.id,
      description: l.description ?? '',
      quantity: l.quantity,
      amount: money(l.amount),
    })),
    shippingAmount: money(r.shippingCost),
    total: money(r.total ?? r.item.items.reduce((s, l) => s + l.amount, 0) + (r.shippingCost ?? 0)),
    goodsReceived: isReturn ? goods.length > 0 && goods.every((l) => (l.quantityReceived ?? 0) >= l.quantity) : null,
    bcRefundId: linked !== null && linked !== undefined && String(linked) !== '' ? Number(linked) : null,
    memo: r.memo ?? '',
  };
}

/**
 * A cash refund or return authorization with its lines.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html (GET a record, expandSubResources)
 */
export async function getErpRefund(client: NetSuiteClient, recordType: ErpRefundType, recordId: string): Promise<ErpRefund> {
  const res = await client.request('GET', `/${recordType}/${encodeURIComponent(recordId)}?expandSubResources=true`);
  const parsed = netSuiteRefundSchema.safeParse(res.body);
  if (!parsed.success)
    throw new ErpError('bad_response', `${recordType} ${recordId}: unexpected record shape (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`, {
      status: res.status,
    });
  return toErpRefund(recordType, parsed.data);
}

/**
 * Writes the BigCommerce refund id on the ERP record (PATCH changes only the fields sent), so ops
 * see the link and the sweep skips the record. Idempotent: the same value again changes nothing.
 */
export async function linkBcRefund(client: NetSuiteClient, recordType: ErpRefundType, recordId: string, bcRefundId: number): Promise<void> {
  await client.request('PATCH', `/${recordType}/${encodeURIComponent(recordId)}`, { [BC_REFUND_ID_FIELD]: String(bcRefundId) });
}

const TYPES: Record<string, ErpRefundType> = { CashRfnd: 'cashRefund', RtnAuth: 'returnAuthorization' };

const sweepRow = z.object({ id: z.union([z.string(), z.number()]).transform(String), type: z.string(), tranid: z.string().nullish(), salesorder: z.string() });

export interface UnlinkedErpRefund {
  recordType: ErpRefundType;
  recordId: string;
  tranId: string;
  salesOrderExternalId: string;
}

/** `TO_TIMESTAMP` literal, UTC. */
const timestampLiteral = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The sweep: cash refunds and returns of this store's sales orders, changed since `sinceMs`, with
 * no BigCommerce refund linked yet. What a lost `refund.authorized` event leaves behind. Pages of
 * 1000 (SuiteQL's maximum) until `hasMore` is false.
 */
export async function listUnlinkedErpRefunds(client: NetSuiteClient, storeHash: string, sinceMs: number): Promise<UnlinkedErpRefund[]> {
  // storeHash is [a-z0-9]+ (config/env.ts), so it is safe inside the literal.
  const q =
    'SELECT t.id, t.type, t.tranid, t.lastmodifieddate, so.externalid AS salesorder FROM transaction t JOIN transaction so ON so.id = t.createdfrom ' +
    `WHERE t.type IN ('CashRfnd', 'RtnAuth') AND t.${BC_REFUND_ID_FIELD} IS NULL AND so.externalid LIKE 'bc-${storeHash}-%' ` +
    `AND t.lastmodifieddate >= TO_TIMESTAMP('${timestampLiteral(sinceMs)}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.lastmodifieddate, t.id`;
  const out: UnlinkedErpRefund[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await client.suiteql(q, { limit, offset });
    for (const raw of page.items) {
      const row = sweepRow.safeParse(raw);
      if (!row.success) throw new ErpError('bad_response', `SuiteQL sweep row: ${row.error.issues[0]?.message}`, {});
      const recordType = TYPES[row.data.type];
      if (recordType) out.push({ recordType, recordId: row.data.id, tranId: row.data.tranid ?? '', salesOrderExternalId: row.data.salesorder });
    }
    if (!page.hasMore) return out;
  }
}
