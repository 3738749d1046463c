import type { SalesOrder } from '../../../domain/orders/sales-order';
import type { NetSuiteClient } from './client';

/**
 * A sales order's `entity` must reference an existing customer, so the customer is upserted by its
 * external id first (`PUT /customer/eid:<id>`, same upsert rules as the sales order).
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html
 */
export async function upsertCustomer(client: NetSuiteClient, customer: SalesOrder['customer']): Promise<void> {
  await client.request('PUT', `/customer/eid:${encodeURIComponent(customer.externalId)}`, {
    companyName: customer.name,
    email: customer.email,
  });
}
