import type { NetSuiteClient } from './client';
import { getSalesOrderByExternalId } from './get-sales-order';

/**
 * Closes a sales order: NetSuite's status is not writable; closing every item line closes the order
 * (FACTS.md section 2). Idempotent: closing a closed order changes nothing. A missing order is
 * already "closed" for our purposes. Upserting the order again later reopens the lines. Answers the
 * order's internal id when it exists: a run that never got the answer of its own write learns it here.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html
 */
export async function closeSalesOrder(client: NetSuiteClient, externalId: string): Promise<{ closed: boolean; existed: boolean; internalId?: string }> {
  const order = await getSalesOrderByExternalId(client, externalId);
  if (!order) return { closed: true, existed: false };
  const open = order.item.items.filter((l) => !l.isClosed);
  if (open.length === 0) return { closed: true, existed: true, internalId: order.id };
  await client.request('PATCH', `/salesOrder/eid:${encodeURIComponent(externalId)}`, { item: { items: order.item.items.map((l) => ({ line: l.line, isClosed: true })) } });
  return { closed: true, existed: true, internalId: order.id };
}
