import type { BcOrder } from '../../../domain/orders/order';
import type { BigCommerceClient } from '../client';
import { z } from 'zod';
import { paginateV2 } from '../pagination';
import { bcOrderV2Schema, ORDER_READ_QUERY, toBcOrder } from './get-order';

export interface ListOrdersFilter {
  /** ISO-8601 or RFC-2822; BigCommerce accepts both. */
  minDateModified?: string;
  maxDateModified?: string;
  minId?: number;
  statusId?: number;
}

/**
 * Orders page by page, oldest change first, each with its lines: one call per page of up to 250
 * orders instead of one per order (`include` works on the list too, FACTS.md section 6). For
 * reconciliation: `sort=date_modified:asc` makes a saved watermark safe to resume from.
 * https://developer.bigcommerce.com/docs/rest-management/orders#get-all-orders
 */
export async function* listOrders(client: BigCommerceClient, filter: ListOrdersFilter, opts: { limit?: number; signal?: AbortSignal } = {}): AsyncGenerator<BcOrder[]> {
  const pages = paginateV2(
    client,
    {
      path: '/v2/orders',
      route: '/v2/orders',
      signal: opts.signal,
      query: {
        min_date_modified: filter.minDateModified,
        max_date_modified: filter.maxDateModified,
        min_id: filter.minId,
        status_id: filter.statusId,
        sort: 'date_modified:asc',
        ...ORDER_READ_QUERY,
      },
    },
    bcOrderV2Schema,
    { limit: opts.limit },
  );
  for await (const page of pages) yield page.map(toBcOrder);
}

/**
 * One page of orders changed in a time window, oldest change first, lines included, with
 * BigCommerce's clock at the read. A 204 (past the last page) is an empty page.
 */
export async function listOrdersPage(
  client: BigCommerceClient,
  window: { fromS: number; untilS: number },
  opts: { page: number; limit?: number; signal?: AbortSignal; priority?: number },
): Promise<{ orders: BcOrder[]; readAtS: number }> {
  const res = await client.request(
    {
      method: 'GET',
      path: '/v2/orders',
      route: '/v2/orders',
      query: {
        min_date_modified: new Date(window.fromS * 1000).toISOString(),
        max_date_modified: new Date(window.untilS * 1000).toISOString(),
        sort: 'date_modified:asc',
        ...ORDER_READ_QUERY,
        page: opts.page,
        limit: opts.limit ?? 250,
      },
      signal: opts.signal,
      priority: opts.priority,
    },
    z.array(bcOrderV2Schema),
  );
  return { orders: (res.data ?? []).map(toBcOrder), readAtS: res.serverTimeS ?? Math.floor(Date.now() / 1000) - 1 };
}
