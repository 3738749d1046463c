import express, { type Router } from 'express';
import { v2Error } from '../format';
import { createOrder, OrderInputError, orderPostSchema } from '../order-create';
import { serializeOrder } from '../order-serialize';
import { ORDER_STATUSES } from '../order-statuses';
import type { SandboxContext } from '../context';

/** Orders V2 (orders.v2.oas2.yml). V2 answers are bare objects and arrays; errors are `[{status, message}]`. */
export function ordersRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const serializeOptions = (req: express.Request) => {
    const include = new Set(String(req.query.include ?? '').split(',').filter(Boolean));
    return { base: ctx.v2Base(req), include, consignmentStructureObject: req.query.consignment_structure === 'object' };
  };

  router.post('/v2/orders', (req, res) => {
    const parsed = orderPostSchema.safeParse(req.body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      res.status(400).json(v2Error(400, `The field '${first?.path.join('.') || 'body'}' is invalid: ${first?.message ?? 'invalid'}`));
      return;
    }
    let order;
    try {
      order = createOrder(ctx.data, parsed.data, { taxRate: ctx.settings.taxRate, nowMs: ctx.now() });
    } catch (err) {
      if (err instanceof OrderInputError) {
        res.status(err.status).json(v2Error(err.status, err.message));
        return;
      }
      throw err;
    }
    ctx.changed();
    ctx.emit('store/order/created', { type: 'order', id: order.id });
    // The spec declares 200 for this POST while the status-code page says 201; BigCommerce answers 200 today.
    res.status(ctx.settings.orderCreateStatus).json(serializeOrder(order, serializeOptions(req)));
  });

  router.get('/v2/orders/:id', (req, res) => {
    const order = /^\d+$/.test(req.params.id ?? '') ? ctx.data.orders[req.params.id!] : undefined;
    if (!order) {
      res.status(404).json(v2Error(404, 'The requested resource was not found.'));
      return;
    }
    res.json(serializeOrder(order, serializeOptions(req)));
  });

  router.get('/v2/order_statuses', (_req, res) => {
    res.json(ORDER_STATUSES.map((s) => ({ id: s.id, name: s.name, system_label: s.name, custom_label: s.name, system_description: '', order: s.sort })));
  });

  return router;
}
