import { WorkflowNotFoundError, type Client, type WorkflowSignalWithStartOptions } from '@temporalio/client';
import type { Config } from '../config/env';
import { orderWorkflowId, type OrderLifecycleInput, ORDER_SYNC_WORKFLOW } from '../workflows/orders/order-sync.contract';
import { BcOrderId, BcStoreHash } from '../domain/shared/search-attributes';

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
  const handle = await client.workflow.signalWithStart(ORDER_SYNC_WORKFLOW, {
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

/**
 * Whether an order listed by reconciliation (changed at `modifiedS`, BigCommerce's clock) must go to
 * its workflow. Not when its last run completed after reading the order in that second or later:
 * that read held the change, and handing it over would start a whole new run for nothing. (Left
 * open: a second change in the very second of that read whose webhook was also lost. Its webhook
 * would carry the same hash as the first, so BigCommerce itself tells the two apart only by content.)
 * A running workflow always gets it (a signal it settles without a read if it saw it).
 */
export async function reconcileNeedsHandover(client: Client, storeHash: string, orderId: number, modifiedS: number): Promise<boolean> {
  const handle = client.workflow.getHandle(orderWorkflowId(storeHash, orderId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
  if (status !== 'COMPLETED') return true;
  return !closedRunSawChange(await handle.result(), modifiedS);
}

/** A completed run's result (its state) read the order in the second of `modifiedS` or later. Pure. */
export function closedRunSawChange(result: unknown, modifiedS: number): boolean {
  const lastReadAtS = (result as { lastReadAtS?: unknown } | null)?.lastReadAtS;
  return typeof lastReadAtS === 'number' && lastReadAtS >= modifiedS;
}
