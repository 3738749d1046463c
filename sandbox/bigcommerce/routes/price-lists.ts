import express, { type Router } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxContext } from '../context';
import { BatchErrors, createPriceList, findPriceLists, findRecords, serializePriceList, serializeRecord, upsertRecords } from '../price-lists';
import type { V3PriceList, V3PriceRecord } from '../state';
import { V3Failure, v3NotFound, v3Route } from '../v3-errors';
import { cursorPage, offsetPage, readCursor, readPage, type PageRequest } from '../v3-pagination';
import { csv, type Query } from '../v3-query';

/** Price lists V3 (price_lists.v3.yml; FACTS.md sections 2, 3, 10). */

/**
 * "Up to 2 concurrent batch upsert requests are supported ... Running more than the allowed
 * concurrent requests in parallel on the same store will cause a 429 error". An upsert takes this
 * long in the sandbox, so requests in flight overlap the way real ones do.
 */
const UPSERT_CONCURRENCY = 2;
const UPSERT_PROCESSING_MS = 150;

/**
 * The meta rule of price-list reads: "If no pagination details are specified or if you only provide
 * a limit, then both properties will be present. When a 'before' or 'after' cursor is provided, only
 * the 'cursor_pagination' property will be present. When a 'page' parameter is provided, only the
 * offset based 'pagination' property will be present."
 */
function paged<T>(items: T[], query: Query, paging: PageRequest, keyOf: (item: T) => string) {
  const cursor = readCursor(query);
  if (cursor) {
    const { slice, cursorPagination } = cursorPage(items, cursor, paging.limit, query, keyOf);
    return { slice, meta: { cursor_pagination: cursorPagination } };
  }
  const { slice, pagination } = offsetPage(items, paging, query);
  if (paging.pageGiven) return { slice, meta: { pagination } };
  const { cursorPagination } = cursorPage(items, undefined, paging.limit, query, keyOf);
  return { slice, meta: { pagination, cursor_pagination: cursorPagination } };
}

export function priceListsRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  let upsertsInFlight = 0;

  const listParam = (req: express.Request): V3PriceList => {
    const id = String(req.params.id);
    const list = /^\d+$/.test(id) ? ctx.data.priceLists[id] : undefined;
    if (!list) throw v3NotFound();
    return list;
  };

  router.get(
    '/v3/pricelists',
    v3Route((req, res) => {
      const { slice, meta } = paged(findPriceLists(ctx, req.query), req.query, readPage(req.query), (l) => String(l.id));
      res.json({ data: slice.map(serializePriceList), meta });
    }),
  );

  router.post(
    '/v3/pricelists',
    v3Route((req, res) => {
      res.json({ data: serializePriceList(createPriceList(ctx, req.body)), meta: {} });
    }),
  );

  router.get(
    '/v3/pricelists/:id',
    v3Route((req, res) => {
      res.json({ data: serializePriceList(listParam(req)), meta: {} });
    }),
  );

  router.get(
    '/v3/pricelists/:id/records',
    v3Route((req, res) => {
      const list = listParam(req);
      const include = new Set(csv(req.query, 'include') ?? []);
      const { slice, meta } = paged(findRecords(ctx, list, req.query), req.query, readPage(req.query), (r: V3PriceRecord) => `${r.variant_id},${r.currency}`);
      res.json({ data: slice.map((r) => serializeRecord(ctx, list, r, include)), meta });
    }),
  );

  router.put(
    '/v3/pricelists/:id/records',
    v3Route(async (req, res) => {
      // The spec's 429 body: {"status":429,"title":"Too many requests","type":...,"errors":{}}.
      if (upsertsInFlight >= UPSERT_CONCURRENCY) throw new V3Failure(429, 'Too many requests');
      upsertsInFlight++;
      try {
        await sleep(UPSERT_PROCESSING_MS);
        upsertRecords(ctx, listParam(req), req.body);
        res.json({ data: {}, meta: {} });
      } catch (err) {
        if (!(err instanceof BatchErrors)) throw err;
        res.status(422).json({ batch_errors: err.batchErrors });
      } finally {
        upsertsInFlight--;
      }
    }),
  );

  return router;
}
