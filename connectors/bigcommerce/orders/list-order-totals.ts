import { z } from 'zod';
import type { OrderTotal } from '../../../domain/orders/erp-total-repair';
import type { BigCommerceClient } from '../client';
import { bcMoney } from '../schemas';

// --- BigCommerce's shape: the few order_Resp fields a totals check needs (orders.v2.oas2.yml) ---

const bcOrderTotalsRow = z.object({
  id: z.number().int(),
  status_id: z.number().int(),
  total_inc_tax: bcMoney,
});

// --- our model: OrderTotal (domain/orders/erp-total-repair.ts) ---

/**
 * One page of the orders created in a window, lowest id first, from `afterId` on (keyset paging
 * on the id, so orders created while we list cannot shift a page). No `include`: the totals are on
 * the order itself, so 250 orders cost one call.
 * https://developer.bigcommerce.com/docs/rest-management/orders#get-all-orders
 */
export async function listOrderTotalsPage(
  client: BigCommerceClient,
  window: { fromS: number; untilS: number; afterId: number },
  opts: { limit?: number; signal?: AbortSignal; priority?: number } = {},
): Promise<OrderTotal[]> {
  const res = await client.request(
    {
      method: 'GET',
      path: '/v2/orders',
      route: '/v2/orders',
      query: {
        min_date_created: new Date(window.fromS * 1000).toISOString(),
        max_date_created: new Date(window.untilS * 1000).toISOString(),
        min_id: window.afterId + 1,
        sort: 'id:asc',
        limit: opts.limit ?? 250,
      },
      signal: opts.signal,
      priority: opts.priority,
    },
    z.array(bcOrderTotalsRow),
  );
  // Past the last page V2 answers 204 with no body.
  return (res.data ?? []).map((o) => ({ orderId: o.id, statusId: o.status_id, totalIncTax: o.total_inc_tax }));
}
