import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InventoryControlActivities, InventoryErpActivities } from '../../activities/inventory/inventory';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import type { OmsActivities } from '../../activities/orders/oms';
import { bigCommerceTaskQueue, erpSalesOrderExternalId } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { RETRY, retryWithin } from '../shared/retry';
import type { OrderLifecycleInput } from './order-sync.contract';

/**
 * The activities of one order's sync, each with its summary (what the Web UI shows for the call):
 * BigCommerce, the ERP and the OMS retry a transient failure for the retry window, then the order
 * parks; inventory notes never hold the order up (a few quick attempts, then the order goes on: a
 * sale inventorySync never hears of is corrected by the ERP's own level once the order is booked).
 */
export function orderActivities(input: OrderLifecycleInput) {
  const { storeHash, orderId } = input;
  const externalId = erpSalesOrderExternalId(storeHash, orderId);
  const bcOptions: ActivityOptions = { taskQueue: bigCommerceTaskQueue(storeHash), startToCloseTimeout: '2m', priority: PRIORITY.orders, ...retryWithin(input.retryWindowMs) };
  const erpOptions: ActivityOptions = { taskQueue: input.erpTaskQueue, startToCloseTimeout: '60s', ...retryWithin(input.retryWindowMs) };
  const omsOptions: ActivityOptions = { taskQueue: input.omsTaskQueue, startToCloseTimeout: '2m', ...retryWithin(input.retryWindowMs) };
  return {
    bc: {
      fetch: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `fetch BigCommerce order ${orderId}` }),
      writeBack: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `write ERP id back to order ${orderId}` }),
      shipments: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `copy OMS shipments to order ${orderId}` }),
      status: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `set the status of order ${orderId}` }),
      refunds: proxyActivities<BigCommerceActivities>({ ...bcOptions, priority: PRIORITY.reconcile, summary: `list the refunds of order ${orderId}` }),
    },
    erp: {
      upsert: proxyActivities<ErpActivities>({ ...erpOptions, summary: `upsert ERP sales order ${externalId}` }),
      close: proxyActivities<ErpActivities>({ ...erpOptions, summary: `close ERP sales order ${externalId}` }),
    },
    inventory: {
      note: proxyActivities<InventoryControlActivities>({ startToCloseTimeout: '30s', retry: RETRY.fewAttempts, summary: `tell inventory about order ${orderId}` }),
      booked: proxyActivities<InventoryErpActivities>({
        taskQueue: input.erpTaskQueue,
        startToCloseTimeout: '30s',
        retry: RETRY.fewAttempts,
        summary: `read when ERP sales order ${externalId} was booked`,
      }),
    },
    oms: {
      upsert: proxyActivities<OmsActivities>({ ...omsOptions, summary: `upsert OMS order ${externalId}` }),
      cancel: proxyActivities<OmsActivities>({ ...omsOptions, summary: `cancel OMS order ${externalId}` }),
    },
  };
}
