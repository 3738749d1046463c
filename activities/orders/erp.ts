import { Context } from '@temporalio/activity';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { fingerprint } from '../../domain/shared/fingerprint';
import { erpContent } from '../../domain/orders/lifecycle';
import { closeSalesOrder } from '../../connectors/erp/netsuite/close-sales-order';
import { upsertCustomer } from '../../connectors/erp/netsuite/upsert-customer';
import { getSalesOrderByExternalId } from '../../connectors/erp/netsuite/get-sales-order';
import { deleteCreditMemo, upsertCreditMemo } from '../../connectors/erp/netsuite/upsert-credit-memo';
import type { CreditMemo } from '../../domain/refunds/credit-memo';
import { ApplicationFailure } from '@temporalio/common';
import { upsertSalesOrder, type NetSuiteChargeItems } from '../../connectors/erp/netsuite/upsert-sales-order';
import { salesOrderTotals } from '../../connectors/erp/netsuite/sales-order-totals';
import { normalizeMoney, type Money } from '../../domain/shared/money';
import type { SalesOrder } from '../../domain/orders/sales-order';
import { ErpError } from '../../connectors/erp/netsuite/errors';
import { idempotentErpCall } from '../shared/failures';

/** When the ERP last wrote the record, by its own clock: the booking time inventorySync compares levels with. */
const bookedAt = (lastModifiedDate: string | undefined): { bookedAtMs?: number } => {
  const ms = lastModifiedDate ? Date.parse(lastModifiedDate) : Number.NaN;
  return Number.isNaN(ms) ? {} : { bookedAtMs: ms };
};

/** Activities that write to the ERP; they run on the ERP's queue, capped at its concurrency limit. */
export function createErpActivities(deps: { netsuite: NetSuiteClient; chargeItems?: NetSuiteChargeItems }) {
  const guard = idempotentErpCall;
  return {
    /**
     * Customer, then sales order, both upserts by external id: repeating the activity after a
     * timeout updates the same two records. Upserting a closed order reopens its lines.
     *
     * Then the record is read back for the ERP's own total (NetSuite answers the upsert with no
     * body), which the workflow compares with BigCommerce's: a total the ERP computes differently
     * (a line kind we do not send, an item with its own tax or price) can never pass silently.
     */
    async upsertSalesOrder(order: SalesOrder, opts: { lookFirst?: boolean } = {}): Promise<{ internalId: string; erpTotal: Money; bookedAtMs?: number }> {
      const print = fingerprint(erpContent(order));
      const read = async () => {
        const found = await getSalesOrderByExternalId(deps.netsuite, order.externalId);
        return (
          found && {
            internalId: found.id,
            erpTotal: normalizeMoney(found.total),
            ...bookedAt(found.lastModifiedDate),
            print: found.custbody_bcsync_fingerprint,
            open: found.item.items.some((l) => !l.isClosed),
          }
        );
      };
      return guard(async () => {
        // A retry (the worker died, an answer was lost), or a write after one whose outcome the
        // workflow never learnt (`lookFirst`), first looks: the write may have landed. Finding our
        // content there, open, it does not write a second time.
        if (opts.lookFirst || Context.current().info.attempt > 1) {
          const there = await read();
          if (there && there.print === print && there.open) return { internalId: there.internalId, erpTotal: there.erpTotal, bookedAtMs: there.bookedAtMs };
        }
        await upsertCustomer(deps.netsuite, order.customer);
        const { internalId } = await upsertSalesOrder(deps.netsuite, order, deps.chargeItems, print);
        const written = await read();
        if (!written) throw new ErpError('server', `sales order ${order.externalId} is not readable right after its upsert`);
        return { internalId, erpTotal: written.erpTotal, bookedAtMs: written.bookedAtMs };
      });
    },

    /**
     * The order's sales order, once it exists. Until then this fails retryably
     * (`SalesOrderNotInErpYet`): a refund's webhook can overtake its order's, and the refund
     * workflow waits, visibly, in the activity's retries.
     */
    async awaitSalesOrder(externalId: string): Promise<{ internalId: string }> {
      const found = await guard(() => getSalesOrderByExternalId(deps.netsuite, externalId));
      if (!found) throw ApplicationFailure.retryable(`sales order ${externalId} is not in the ERP yet`, 'SalesOrderNotInErpYet');
      return { internalId: found.id };
    },

    /** The ERP's own totals of these sales orders (by external id); absent ones are not in the ERP. */
    async salesOrderTotals(externalIds: string[]): Promise<Record<string, { internalId: string; total: Money }>> {
      return guard(() => salesOrderTotals(deps.netsuite, externalIds));
    },

    /** Books a refund: upsert by the refund's external id, so once however often it runs. */
    async upsertCreditMemo(memo: CreditMemo): Promise<{ internalId: string }> {
      return guard(() => upsertCreditMemo(deps.netsuite, memo));
    },

    /** Takes a booked refund back (its payment was declined). Idempotent. */
    async reverseCreditMemo(externalId: string): Promise<{ existed: boolean }> {
      return guard(() => deleteCreditMemo(deps.netsuite, externalId));
    },

    /** Closes every line of the order (cancellation, or compensation). Idempotent. */
    async closeSalesOrder(externalId: string): Promise<{ closed: boolean; existed: boolean; internalId?: string }> {
      return guard(() => closeSalesOrder(deps.netsuite, externalId));
    },
  };
}

export type ErpActivities = ReturnType<typeof createErpActivities>;
