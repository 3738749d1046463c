import { Context } from '@temporalio/activity';
import type { NetSuiteClient } from '../connectors/erp/netsuite/client';
import { upsertCustomer } from '../connectors/erp/netsuite/upsert-customer';
import { upsertSalesOrder, type NetSuiteChargeItems } from '../connectors/erp/netsuite/upsert-sales-order';
import type { SalesOrder } from '../domain/sales-order';
import { erpFailure } from './failures';

/** Activities that write to the ERP; they run on the ERP's queue, capped at its concurrency limit. */
export function createErpActivities(deps: { netsuite: NetSuiteClient; chargeItems?: NetSuiteChargeItems }) {
  return {
    /**
     * Customer, then sales order, both upserts by external id: repeating the activity after a
     * timeout updates the same two records.
     */
    async upsertSalesOrder(order: SalesOrder): Promise<{ internalId: string }> {
      try {
        await upsertCustomer(deps.netsuite, order.customer);
        return await upsertSalesOrder(deps.netsuite, order, deps.chargeItems);
      } catch (err) {
        throw erpFailure(err, { idempotent: true, attempt: Context.current().info.attempt });
      }
    },
  };
}

export type ErpActivities = ReturnType<typeof createErpActivities>;
