import type { BcOrder } from '../../../domain/order';
import type { BigCommerceClient } from '../client';
import { paginateV2 } from '../pagination';
import { bcOrderV2Schema, toBcOrder } from './get-order';

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
        include: 'consignments.line_items',
        consignment_structure: 'object',
      },
    },
    bcOrderV2Schema,
    { limit: opts.limit },
  );
  for await (const page of pages) yield page.map(toBcOrder);
}
