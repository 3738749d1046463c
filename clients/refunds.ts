import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { ErpRefundType } from '../domain/refunds/erp-refund';
import { ERP_REFUND_SWEEP_WORKFLOW, erpRefundSweepScheduleId, erpRefundSweepWorkflowId } from '../workflows/refunds/erp-refund-sweep.contract';
import {
  erpRefundWorkflowId,
  erpRefundChangedSignal,
  type ErpRefundSyncInput,
  ERP_REFUND_SYNC_WORKFLOW,
  type ErpRefundSyncWorkflow,
} from '../workflows/refunds/erp-refund-sync.contract';
import { BcStoreHash, BcOrderId } from '../domain/shared/search-attributes';
import type { DesiredSchedule } from './shared/schedule';
import { refundWorkflowId, type RefundSyncInput, REFUND_SYNC_WORKFLOW, type RefundSyncWorkflow } from '../workflows/refunds/refund-sync.contract';

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
    await client.workflow.start<RefundSyncWorkflow>(REFUND_SYNC_WORKFLOW, {
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

export function erpRefundWorkflowInput(config: Config, storeHash: string, recordType: ErpRefundType, recordId: string): ErpRefundSyncInput {
  return { storeHash, recordType, recordId, erpTaskQueue: config.erp.taskQueue, retryWindowMs: config.orders.retryWindowMs, parkRetryMs: config.orders.parkRetryMs };
}

/**
 * Signal-with-start `erp-refund:<storeHash>:<recordType>-<recordId>`: a repeated event joins the
 * running workflow (and wakes one waiting for a return's approval); one after it finished is
 * refused by the id reuse policy, so a refunded record is never refunded again.
 */
export async function startErpRefund(
  client: Client,
  config: Config,
  storeHash: string,
  recordType: ErpRefundType,
  recordId: string,
): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = erpRefundWorkflowId(storeHash, recordType, recordId);
  try {
    await client.workflow.signalWithStart<ErpRefundSyncWorkflow, []>(ERP_REFUND_SYNC_WORKFLOW, {
      workflowId,
      taskQueue: config.temporal.workflowTaskQueue,
      args: [erpRefundWorkflowInput(config, storeHash, recordType, recordId)],
      signal: erpRefundChangedSignal,
      signalArgs: [],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: BcStoreHash, value: storeHash }],
      staticSummary: `ERP ${recordType} ${recordId} -> BigCommerce refund · store ${storeHash}`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}

/** Refunds' schedule, per store: the sweep for ERP cash refunds and returns whose event was lost. */
export function refundSchedules(config: Config): DesiredSchedule[] {
  return config.stores.map(({ storeHash }) => ({
    id: erpRefundSweepScheduleId(storeHash),
    everyMs: config.erpRefunds.sweepIntervalMs,
    workflowType: ERP_REFUND_SWEEP_WORKFLOW,
    workflowId: erpRefundSweepWorkflowId(storeHash),
    args: [
      {
        storeHash,
        lookbackMs: config.erpRefunds.sweepLookbackMs,
        refund: { erpTaskQueue: config.erp.taskQueue, retryWindowMs: config.orders.retryWindowMs, parkRetryMs: config.orders.parkRetryMs },
      },
    ],
    summary: `ERP refund sweep of store ${storeHash}: ERP cash refunds and returns whose event was lost`,
  }));
}
