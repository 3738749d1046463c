import type { ShipStationClient } from './client';
import { ssOrderList, type SsOrder } from './schemas';

/**
 * The order with this orderKey, or undefined. V1 cannot filter orders by orderKey, and its
 * `orderNumber` filter "performs a 'starts with' search" (order 12 also finds 120..129), so the
 * exact key is matched here, over every page.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/orders/list-orders
 */
export async function findOrderByKey(client: ShipStationClient, orderNumber: string, orderKey: string): Promise<SsOrder | undefined> {
  for (let page = 1; ; page++) {
    const res = await client.request({ method: 'GET', path: '/orders', query: { orderNumber, page, pageSize: 500 } }, ssOrderList);
    const list = res.data;
    const found = list?.orders.find((o) => o.orderKey === orderKey);
    if (found) return found;
    if (!list || page >= list.pages) return undefined;
  }
}
