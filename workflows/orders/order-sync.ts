import { patched } from '@temporalio/workflow';
import { orderLifecycle } from './lifecycle';
import type { OrderLifecycleInput, OrderLifecycleState } from './order-sync.contract';
import { orderSyncV1, type OrderSyncInputV1, type OrderSyncStateV1 } from './order-sync-v1';

/** Marks every run of the order lifecycle; histories without it come from the first orderSync. */
export const LIFECYCLE_PATCH = 'order-lifecycle';
/**
 * The version gate: a run that starts with this marker takes every change made behind a patch so
 * far (order-lifecycle, inventory notes, undoing unconfirmed writes, refunds found by
 * reconciliation, incomplete orders ending, the ERP total check, notes by signal) and records this
 * one marker instead of one per patch, each marker batch and version attribute being a billed
 * action. Runs recorded before it replay through the patches they recorded. A change after this
 * one adds its own patch, until the next gate.
 */
export const ORDER_VERSION_GATE = 'order-v3';

/**
 * The workflow type the API starts for each order (`order:<storeHash>:<orderId>`). New runs are the
 * full lifecycle; histories recorded before it existed replay the first version unchanged.
 */
export async function orderSync(input: OrderLifecycleInput | OrderSyncInputV1): Promise<OrderLifecycleState | OrderSyncStateV1> {
  if (patched(ORDER_VERSION_GATE)) return orderLifecycle(input as OrderLifecycleInput, { current: true });
  if (patched(LIFECYCLE_PATCH)) return orderLifecycle(input as OrderLifecycleInput);
  return orderSyncV1(input as OrderSyncInputV1);
}
