import { z } from 'zod';
import type { BcRequest, BigCommerceClient } from './client';

/**
 * Walking BigCommerce lists, one call per page (FACTS.md section 4):
 * - V2 answers a bare array and, past the last page, **204 with no body**. A short page is not the
 *   end: BigCommerce may cap `limit` below what was asked, so only a 204 (or an empty array) ends it.
 * - V3 answers `{data, meta: {pagination: {current_page, total_pages}}}`, or, on cursor endpoints,
 *   `meta.cursor_pagination` with `end_cursor`/`links.next`: follow the cursor while there is one.
 */

export async function* paginateV2<T extends z.ZodType>(
  client: BigCommerceClient,
  req: Omit<BcRequest, 'method'>,
  item: T,
  opts: { limit?: number; startPage?: number } = {},
): AsyncGenerator<z.output<T>[], void, undefined> {
  const limit = opts.limit ?? 250;
  for (let page = opts.startPage ?? 1; ; page++) {
    const res = await client.request({ ...req, method: 'GET', query: { ...req.query, page, limit } }, z.array(item));
    if (res.status === 204 || !res.data || res.data.length === 0) return;
    yield res.data;
  }
}

const v3Page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    meta: z
      .object({
        pagination: z.object({ current_page: z.number().int(), total_pages: z.number().int() }).optional(),
        cursor_pagination: z
          .object({ end_cursor: z.string().nullish(), links: z.object({ next: z.string().nullish() }).partial().nullish() })
          .partial()
          .optional(),
      })
      .optional(),
  });

export async function* paginateV3<T extends z.ZodType>(
  client: BigCommerceClient,
  req: Omit<BcRequest, 'method'>,
  item: T,
  opts: { limit?: number; cursor?: boolean } = {},
): AsyncGenerator<z.output<T>[], void, undefined> {
  const limit = opts.limit ?? 250;
  let page = 1;
  let after: string | undefined;
  for (;;) {
    const query = { ...req.query, limit, ...(opts.cursor ? (after ? { after } : {}) : { page }) };
    const res = await client.request({ ...req, method: 'GET', query }, v3Page(item));
    const body = res.data;
    if (!body || body.data.length === 0) return;
    yield body.data;
    if (opts.cursor) {
      const cursor = body.meta?.cursor_pagination;
      if (!cursor?.links?.next || !cursor.end_cursor) return;
      after = cursor.end_cursor;
    } else {
      const p = body.meta?.pagination;
      if (!p || p.current_page >= p.total_pages) return;
      page = p.current_page + 1;
    }
  }
}
