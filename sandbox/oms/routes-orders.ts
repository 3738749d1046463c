import express, { type Response, type Router } from 'express';
import type { OmsContext } from './context';
import { ssMessage, SsRequestError } from './errors';
import { upsertOrder } from './order-upsert';
import { pageOf, paging, queryParam } from './query';
import { orderResponse } from './serialize';
import type { SsOrder } from './state';

const ORDER_STATUSES = new Set(['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'shipped', 'on_hold', 'cancelled']);

function sendError(res: Response, err: unknown): void {
  if (err instanceof SsRequestError) {
    res.status(err.status).json(err.body());
    return;
  }
  throw err;
}

/** Orders: https://docs.shipstation.com/apis/shipstation-v1/docs/orders */
export function ordersRouter(ctx: OmsContext): Router {
  const router = express.Router();

  router.post('/orders/createorder', (req, res) => {
    try {
      res.json(orderResponse(upsertOrder(ctx, req.body)));
    } catch (err) {
      sendError(res, err);
    }
  });

  // Each order is upserted on its own: one refused order does not stop the others.
  router.post('/orders/createorders', (req, res) => {
    if (!Array.isArray(req.body)) return void res.status(400).json(ssMessage('The request body must be an array of orders.'));
    if (req.body.length > 100) return void res.status(400).json(ssMessage('A maximum of 100 orders can be created or updated per request.'));
    const results = (req.body as unknown[]).map((raw) => {
      const given = raw && typeof raw === 'object' ? (raw as { orderNumber?: unknown; orderKey?: unknown }) : {};
      try {
        const o = upsertOrder(ctx, raw);
        return { orderId: o.orderId, orderNumber: o.orderNumber, orderKey: o.orderKey, success: true, errorMessage: null };
      } catch (err) {
        if (!(err instanceof SsRequestError)) throw err;
        const detail = err.modelState
          ? Object.entries(err.modelState)
              .map(([k, v]) => `${k}: ${v.join(' ')}`)
              .join('; ')
          : err.message;
        return {
          orderId: 0,
          orderNumber: typeof given.orderNumber === 'string' ? given.orderNumber : '',
          orderKey: typeof given.orderKey === 'string' ? given.orderKey : '',
          success: false,
          errorMessage: detail,
        };
      }
    });
    res.json({ hasErrors: results.some((r) => !r.success), results });
  });

  router.get('/orders', (req, res) => {
    const p = paging(req);
    if ('error' in p) return void res.status(400).json(ssMessage(p.error));
    const status = queryParam(req, 'orderStatus');
    if (status !== undefined && status !== '' && !ORDER_STATUSES.has(status)) return void res.status(400).json(ssMessage(`The value '${status}' is not valid for orderStatus.`));
    const number = queryParam(req, 'orderNumber');
    const storeId = queryParam(req, 'storeId');
    const matches = Object.values(ctx.data.orders)
      .filter((o) => o.active)
      // "Filter by order number, performs a 'starts with' search."
      .filter((o) => !number || o.orderNumber.startsWith(number))
      .filter((o) => !status || o.orderStatus === status)
      .filter((o) => !storeId || String(o.storeId) === storeId)
      .sort((a, b) => a.orderId - b.orderId);
    const page = pageOf(matches, p.page, p.pageSize);
    res.json({ orders: page.items.map(orderResponse), total: page.total, page: page.page, pages: page.pages });
  });

  const byId = (raw: string): SsOrder | undefined => (/^\d+$/.test(raw) ? ctx.data.orders[raw] : undefined);

  router.get('/orders/:orderId', (req, res) => {
    const order = byId(String(req.params.orderId));
    if (!order) return void res.status(404).json(ssMessage(`Order ${req.params.orderId} not found.`));
    res.json(orderResponse(order));
  });

  // A soft delete: the order stays readable by id but leaves lists (the spec's DeleteOrder).
  router.delete('/orders/:orderId', (req, res) => {
    const order = byId(String(req.params.orderId));
    if (!order) return void res.status(404).json(ssMessage(`Order ${req.params.orderId} not found.`));
    order.active = false;
    ctx.changed();
    res.json({ success: true, message: 'The requested order has been deleted.' });
  });

  return router;
}
