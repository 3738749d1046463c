import type { Client, WorkflowSignalWithStartOptions } from '@temporalio/client';
import type { Config } from '../config/env';
import { orderWorkflowId } from '../domain/ids';
import { BcOrderId, BcStoreHash } from '../domain/search-attributes';
import type { OrderLifecycleInput } from '../workflows/order-lifecycle';
import { orderSync } from '../workflows/order-sync';

/**
 * Everything that wakes an order's workflow (BigCommerce webhooks, OMS notifications,
 * reconciliation) starts it the same way: signal-with-start on `order:<storeHash>:<orderId>`, so
 * duplicates and retries land on one run, and a run is started only when none is open.
 */
export function orderWorkflowInput(config: Config, storeHash: string, orderId: number): OrderLifecycleInput {
  return {
    storeHash,
    orderId,
    erpTaskQueue: config.erp.taskQueue,
    omsTaskQueue: config.oms.taskQueue,
    quietPeriodMs: config.orders.quietPeriodMs,
    retryWindowMs: config.orders.retryWindowMs,
    parkRetryMs: config.orders.parkRetryMs,
    refunds: { orderWaitMs: config.refunds.orderWaitMs, declineChecksMs: config.refunds.declineChecksMs },
    ...(config.inventory.enabled ? {} : { inventoryNotes: false }),
  };
}

export async function signalOrder<Args extends unknown[]>(
  client: Client,
  config: Config,
  storeHash: string,
  orderId: number,
  signal: WorkflowSignalWithStartOptions<Args>['signal'],
  signalArgs: Args,
  summary?: string,
): Promise<{ workflowId: string; runId: string }> {
  const workflowId = orderWorkflowId(storeHash, orderId);
  const handle = await client.workflow.signalWithStart(orderSync, {
    workflowId,
    taskQueue: config.temporal.workflowTaskQueue,
    args: [orderWorkflowInput(config, storeHash, orderId)],
    signal,
    signalArgs,
    workflowIdConflictPolicy: 'USE_EXISTING',
    // Set at start, these cost nothing (upserts later are billed actions).
    typedSearchAttributes: [
      { key: BcStoreHash, value: storeHash },
      { key: BcOrderId, value: orderId },
    ],
    staticSummary: summary ?? `BigCommerce order #${orderId} · store ${storeHash}`,
  });
  return { workflowId, runId: handle.signaledRunId };
}
