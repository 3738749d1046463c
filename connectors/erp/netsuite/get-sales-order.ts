import { z } from 'zod';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

// --- NetSuite's shape (salesOrder record, sublists expanded) ---

const ref = z.object({ id: z.string().optional(), externalId: z.string().optional(), refName: z.string().optional() });

export const netSuiteSalesOrderSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  tranId: z.string().optional(),
  entity: ref,
  tranDate: z.string(),
  currency: ref.optional(),
  memo: z.string().optional(),
  subtotal: z.number(),
  discountTotal: z.number().default(0),
  shippingCost: z.number().default(0),
  total: z.number(),
  lastModifiedDate: z.string().optional(),
  /** What we last wrote (our content fingerprint): a retry finding it there need not write again. */
  custbody_bcsync_fingerprint: z.string().optional(),
  status: z.object({ id: z.string(), refName: z.string().optional() }).optional(),
  item: z.object({
    items: z.array(
      z.object({
        line: z.number().int(),
        item: ref,
        description: z.string().optional(),
        quantity: z.number(),
        rate: z.number(),
        amount: z.number(),
        custcol_bcsync_line_id: z.string().optional(),
        isClosed: z.boolean().optional(),
      }),
    ),
  }),
});
export type NetSuiteSalesOrder = z.output<typeof netSuiteSalesOrderSchema>;

/**
 * Reads a sales order by external id, with its item sublist expanded (without
 * `expandSubResources=true` sublists come back as links). Returns null when no such record exists.
 */
export async function getSalesOrderByExternalId(client: NetSuiteClient, externalId: string): Promise<NetSuiteSalesOrder | null> {
  try {
    const res = await client.request('GET', `/salesOrder/eid:${encodeURIComponent(externalId)}?expandSubResources=true`);
    const parsed = netSuiteSalesOrderSchema.safeParse(res.body);
    if (!parsed.success) {
      throw new ErpError('bad_response', `salesOrder eid:${externalId}: unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data;
  } catch (err) {
    if (err instanceof ErpError && err.kind === 'not_found') return null;
    throw err;
  }
}
