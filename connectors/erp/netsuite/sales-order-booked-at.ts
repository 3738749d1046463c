import { z } from 'zod';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

// --- NetSuite's shape: only the field we ask for (plus links) ---
const bookedSchema = z.object({ id: z.string(), lastModifiedDate: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date') });

/**
 * When the ERP last wrote the sales order, by the ERP's clock: the booking time inventorySync
 * compares stock levels against (a level changed at or after it counts the order as committed).
 * `PUT` upserts answer 204 without a body, so this is one `GET ...?fields=lastModifiedDate`.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html
 */
export async function salesOrderBookedAt(client: NetSuiteClient, externalId: string): Promise<number> {
  const res = await client.request('GET', `/salesOrder/eid:${encodeURIComponent(externalId)}?fields=lastModifiedDate`);
  const parsed = bookedSchema.safeParse(res.body);
  if (!parsed.success) throw new ErpError('bad_response', `salesOrder eid:${externalId}: no lastModifiedDate: ${parsed.error.issues[0]?.message ?? ''}`);
  return Date.parse(parsed.data.lastModifiedDate);
}
