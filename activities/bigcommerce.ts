import { Context } from '@temporalio/activity';
import type { BigCommerceClient } from '../connectors/bigcommerce/client';
import { getOrder } from '../connectors/bigcommerce/orders/get-order';
import type { BcOrder } from '../domain/order';
import { bigCommerceFailure } from './failures';

/**
 * Activities that call BigCommerce. A worker registers one set per store, bound to that store's
 * client, on the store's task queue (`bigcommerce.<storeHash>`), whose dispatch rate is the quota.
 */
export function createBigCommerceActivities(deps: { client: BigCommerceClient }) {
  return {
    async fetchOrder(orderId: number): Promise<BcOrder> {
      try {
        const { cancellationSignal, info } = Context.current();
        return await getOrder(deps.client, orderId, { signal: cancellationSignal, priority: info.priority?.priorityKey });
      } catch (err) {
        throw bigCommerceFailure(err, { idempotent: true, attempt: Context.current().info.attempt });
      }
    },
  };
}

export type BigCommerceActivities = ReturnType<typeof createBigCommerceActivities>;
