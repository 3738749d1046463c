import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { ensureRefund, RefundInProgressError } from '../../connectors/bigcommerce/refunds/create-refund';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { getErpRefund, linkBcRefund, listUnlinkedErpRefunds, type UnlinkedErpRefund } from '../../connectors/erp/netsuite/erp-refunds';
import { findRefundFor, type BcRefundRequestItem, type ErpRefund, type ErpRefundType } from '../../domain/refunds/erp-refund';
import type { BcRefund } from '../../domain/refunds/refund';
import { bigCommerceFailure, idempotentErpCall } from '../shared/failures';

/** How long to wait before asking again when BigCommerce is still processing another refund of the order. */
const REFUND_IN_PROGRESS_RETRY_MS = 3_000;

/** ERP -> BigCommerce refunds, the ERP side: read the record, link the BigCommerce refund back, sweep. */
export function createErpRefundErpActivities(deps: { netsuite: NetSuiteClient }) {
  // Reads and a PATCH of one field to one value: all safe to repeat.
  const guard = idempotentErpCall;
  return {
    async fetchErpRefund(recordType: ErpRefundType, recordId: string): Promise<ErpRefund> {
      return guard(() => getErpRefund(deps.netsuite, recordType, recordId));
    },
    async linkErpRefund(recordType: ErpRefundType, recordId: string, bcRefundId: number): Promise<void> {
      return guard(() => linkBcRefund(deps.netsuite, recordType, recordId, bcRefundId));
    },
    async listUnlinkedErpRefunds(storeHash: string, sinceMs: number): Promise<UnlinkedErpRefund[]> {
      return guard(() => listUnlinkedErpRefunds(deps.netsuite, storeHash, sinceMs));
    },
  };
}

/** ERP -> BigCommerce refunds, the BigCommerce side; runs on the store's queue like every BigCommerce call. */
export function createErpRefundBcActivities(deps: { client: BigCommerceClient }) {
  return {
    /**
     * The BigCommerce refund for this ERP record, made at most once: list the order's refunds and
     * adopt the one with our marker, else quote and create. Because the list comes first on every
     * attempt, Temporal may retry this activity after any failure, including a create whose
     * answer was lost: hence `idempotent: true` below. "Another refund is processing" is retried
     * after a pause, which serialises our refunds of one order behind BigCommerce's own lock.
     */
    async ensureErpRefund(orderId: number, recordType: ErpRefundType, recordId: string, items: BcRefundRequestItem[]): Promise<{ refund: BcRefund; created: boolean }> {
      const { cancellationSignal, info } = Context.current();
      try {
        const out = await ensureRefund(deps.client, orderId, items, (refunds) => findRefundFor(refunds, recordType, recordId), {
          signal: cancellationSignal,
          priority: info.priority?.priorityKey,
        });
        return { refund: out.refund, created: out.created };
      } catch (err) {
        if (err instanceof RefundInProgressError) {
          throw ApplicationFailure.create({ type: 'BcRefundInProgress', message: err.message, nextRetryDelay: REFUND_IN_PROGRESS_RETRY_MS });
        }
        throw bigCommerceFailure(err, { idempotent: true, attempt: info.attempt });
      }
    },
  };
}

export type ErpRefundErpActivities = ReturnType<typeof createErpRefundErpActivities>;
export type ErpRefundBcActivities = ReturnType<typeof createErpRefundBcActivities>;
