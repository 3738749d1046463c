import express, { type Router } from 'express';
import type { SandboxContext } from '../context';
import { CUSTOMER_INCLUDES, createCustomers, deleteCustomers, findCustomers, serializeCustomer, updateCustomers } from '../customers';
import type { V3Customer } from '../state';
import { v3Route } from '../v3-errors';
import { cursorPage, offsetPage, readCursor, readPage } from '../v3-pagination';
import { csv, type Query } from '../v3-query';

/** Customers V3 (customers.v3.yml; FACTS.md sections 3, 4, 10). */

const includesOf = (query: Query): Set<string> => new Set((csv(query, 'include') ?? []).filter((i) => (CUSTOMER_INCLUDES as readonly string[]).includes(i)));

/** Writes answer with every sub-resource, as the spec's CustomerCollectionResponse example does. */
const ALL_INCLUDES = new Set<string>(CUSTOMER_INCLUDES);

/** Cursors name a customer: "id:7" (the spec's example cursor "aWQ6Nw=="). */
const cursorKey = (c: V3Customer) => `id:${c.id}`;

export function customersRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  router.get(
    '/v3/customers',
    v3Route((req, res) => {
      const paging = readPage(req.query);
      const cursor = readCursor(req.query);
      const include = includesOf(req.query);
      const customers = findCustomers(ctx, req.query);
      const serialize = (list: V3Customer[]) => list.map((c) => serializeCustomer(c, include));
      // A record gone since the cursor was handed out: continue after where its id would be, in id order.
      const byId = !req.query.sort;
      const positionOf = (key: string) => {
        const id = Number(/^id:(\d+)$/.exec(key)?.[1] ?? NaN);
        if (!byId || Number.isNaN(id)) return -1;
        const at = customers.findIndex((c) => c.id > id);
        return at < 0 ? customers.length : at;
      };
      // FACTS.md section 4: a cursor request answers with cursor_pagination only; a later page with
      // pagination only; the first page with both.
      if (cursor) {
        const { slice, cursorPagination } = cursorPage(customers, cursor, paging.limit, req.query, cursorKey, positionOf);
        return void res.json({ data: serialize(slice), meta: { cursor_pagination: cursorPagination } });
      }
      const { slice, pagination } = offsetPage(customers, paging, req.query);
      if (paging.page > 1) return void res.json({ data: serialize(slice), meta: { pagination } });
      const { cursorPagination } = cursorPage(customers, undefined, paging.limit, req.query, cursorKey);
      res.json({ data: serialize(slice), meta: { pagination, cursor_pagination: cursorPagination } });
    }),
  );

  router.post(
    '/v3/customers',
    v3Route((req, res) => {
      res.json({ data: createCustomers(ctx, req.body).map((c) => serializeCustomer(c, ALL_INCLUDES)), meta: {} });
    }),
  );

  router.put(
    '/v3/customers',
    v3Route((req, res) => {
      res.json({ data: updateCustomers(ctx, req.body).map((c) => serializeCustomer(c, ALL_INCLUDES)), meta: {} });
    }),
  );

  router.delete(
    '/v3/customers',
    v3Route((req, res) => {
      deleteCustomers(ctx, req.query);
      res.status(204).end();
    }),
  );

  return router;
}
