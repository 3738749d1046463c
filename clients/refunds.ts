import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import { refundWorkflowId } from '../domain/shared/ids';
import { BcOrderId, BcStoreHash } from '../domain/shared/search-attributes';
import { refundSync, type RefundSyncInput } from '../workflows/refunds/refund-sync';

export function refundWorkflowInput(config: Config, storeHash: string, orderId: number, refundId: number): RefundSyncInput {
  return {
    storeHash,
    orderId,
    refundId,
    erpTaskQueue: config.erp.taskQueue,
    retryWindowMs: config.orders.retryWindowMs,
    parkRetryMs: config.orders.parkRetryMs,
    orderWaitMs: config.refunds.orderWaitMs,
    declineChecksMs: config.refunds.declineChecksMs,
  };
}

/**
 * Starts `refund:<storeHash>:<refundId>` once: a duplicate delivery while it runs joins it, and one
 * after it finished is refused by the id reuse policy (the refund is booked; nothing to do again).
 */
export async function startRefund(client: Client, config: Config, storeHash: string, orderId: number, refundId: number): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = refundWorkflowId(storeHash, refundId);
  try {
    await client.workflow.start(refundSync, {
      workflowId,
      taskQueue: config.temporal.workflowTaskQueue,
      args: [refundWorkflowInput(config, storeHash, orderId, refundId)],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BcStoreHash, value: storeHash },
        { key: BcOrderId, value: orderId },
      ],
      staticSummary: `BigCommerce refund #${refundId} of order #${orderId} · store ${storeHash}`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
