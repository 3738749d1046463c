import { z } from 'zod';
import { normalizeMoney, type Money } from '../../../domain/shared/money';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

// --- NetSuite's shape: SuiteQL rows (lower-case column names, numbers may come as strings) ---

const totalsRow = z.object({
  externalid: z.string(),
  id: z.union([z.string(), z.number()]).transform(String),
  foreigntotal: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]),
});

/** At most this many external ids per query: the IN list stays well inside SuiteQL's query length. */
const IDS_PER_QUERY = 250;

/**
 * The ERP's own totals of sales orders, by external id (SuiteQL on `transaction`, `foreigntotal`
 * being the total in the order's currency): one query per 250 orders. Orders not in the ERP are
 * simply absent from the answer.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
export async function salesOrderTotals(client: NetSuiteClient, externalIds: string[]): Promise<Record<string, { internalId: string; total: Money }>> {
  const out: Record<string, { internalId: string; total: Money }> = {};
  for (let i = 0; i < externalIds.length; i += IDS_PER_QUERY) {
    const chunk = externalIds.slice(i, i + IDS_PER_QUERY);
    // External ids are ours (bc-<store>-<id>); quotes are doubled anyway, as SQL string literals need.
    const list = chunk.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
    const q = `SELECT t.externalid, t.id, t.foreigntotal FROM transaction t WHERE t.type = 'SalesOrd' AND t.externalid IN (${list}) ORDER BY t.id`;
    for (let offset = 0; ; offset += 1000) {
      const page = await client.suiteql(q, { limit: 1000, offset });
      for (const raw of page.items) {
        const row = totalsRow.safeParse(raw);
        if (!row.success) throw new ErpError('bad_response', `SuiteQL sales order totals row: ${row.error.issues[0]?.message}`, {});
        out[row.data.externalid] = { internalId: row.data.id, total: normalizeMoney(row.data.foreigntotal) };
      }
      if (!page.hasMore) break;
    }
  }
  return out;
}
