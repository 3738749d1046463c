import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { bcOrderV2Schema, ORDER_READ_QUERY, toBcOrder } from './get-order';
import type { BcOrder } from '../../../domain/orders/order';

/**
 * Sets an order's status and, optionally, its staff notes. PUT sends only these fields, so nothing
 * else on the order changes, and repeating it is harmless.
 * https://developer.bigcommerce.com/docs/rest-management/orders#update-an-order
 */
export async function updateOrderStatus(
  client: BigCommerceClient,
  orderId: number,
  change: { statusId: number; staffNotes?: string },
  opts: { signal?: AbortSignal; priority?: number } = {},
): Promise<BcOrder> {
  const res = await client.request(
    {
      method: 'PUT',
      path: `/v2/orders/${orderId}`,
      route: '/v2/orders/{id}',
      query: ORDER_READ_QUERY,
      body: { status_id: change.statusId, ...(change.staffNotes !== undefined ? { staff_notes: change.staffNotes } : {}) },
      signal: opts.signal,
      priority: opts.priority,
    },
    bcOrderV2Schema,
  );
  if (!res.data) throw new BigCommerceError('bad_response', `PUT /v2/orders/${orderId} answered ${res.status} with no body`, { status: res.status });
  return toBcOrder(res.data);
}
