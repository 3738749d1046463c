import { proxyActivities } from '@temporalio/workflow';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';

export * from '../../workflows';

/**
 * Bench-only: catalog-like batch work on the store's queue, one fetch per item at batch priority,
 * to load the queue while orders arrive (bench "priority").
 */
export async function batchFetch(storeHash: string, orderIds: number[], priority: 'batch' | 'fifo'): Promise<number> {
  const { fetchOrder } = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(storeHash),
    startToCloseTimeout: '2m',
    // 'fifo': the same priority as orders, i.e. no priority at all: first scheduled, first served.
    priority: priority === 'batch' ? PRIORITY.batch : PRIORITY.orders,
  });
  await Promise.all(orderIds.map((id) => fetchOrder(id)));
  return orderIds.length;
}
