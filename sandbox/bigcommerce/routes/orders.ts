import express, { type Router } from 'express';
import type { SandboxContext } from '../context';
import { v2Error } from '../format';
import { buildOrder, orderFromPost, placeOrder } from '../order-create';
import { feesOf, serializeFee } from '../order-fees';
import { orderFilter, orderSort } from '../order-list';
import { pageOf, v2Paging } from '../order-paging';
import { serializeConsignments, serializeLine, serializeOrder, serializeShippingAddress } from '../order-serialize';
import { ORDER_STATUSES, serializeStatus } from '../order-statuses';
import { updateOrder } from '../order-update';
import { orderShipmentsRouter } from './order-shipments';
import { findOrder, notFound, sendV2Page, withInputErrors } from './order-route-helpers';

/** Orders V2 (orders.v2.oas2.yml). V2 answers are bare objects and arrays; errors are `[{status, message}]`. */
export function ordersRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const serializeOptions = (req: express.Request) => {
    const include = new Set(
      String(req.query.include ?? '')
        .split(',')
        .filter(Boolean),
    );
    return { base: ctx.v2Base(req), include, consignmentStructureObject: req.query.consignment_structure === 'object' };
  };

  router.get('/v2/orders', (req, res) => {
    const paging = v2Paging(req, ctx.settings.v2MaxLimit);
    const filter = orderFilter(req.query);
    const sort = orderSort(req.query.sort);
    const problem = 'error' in paging ? paging.error : 'error' in filter ? filter.error : 'error' in sort ? sort.error : undefined;
    if (problem || 'error' in paging || 'error' in filter || 'error' in sort) return void res.status(400).json(v2Error(400, problem!));
    const orders = Object.values(ctx.data.orders).filter(filter.matches).sort(sort.compare);
    const options = serializeOptions(req);
    sendV2Page(
      res,
      pageOf(orders, paging).map((o) => serializeOrder(o, options)),
    );
  });

  /** ordersCount_Full: every status with its count, in control-panel order, and the total. */
  router.get('/v2/orders/count', (req, res) => {
    const filter = orderFilter(req.query);
    if ('error' in filter) return void res.status(400).json(v2Error(400, filter.error));
    const orders = Object.values(ctx.data.orders).filter(filter.matches);
    const statuses = [...ORDER_STATUSES]
      .sort((a, b) => a.sort - b.sort)
      .map((s) => {
        const { order: _order, ...base } = serializeStatus(s);
        return { ...base, count: orders.filter((o) => o.statusId === s.id).length, sort_order: s.sort };
      });
    res.json({ statuses, count: orders.length });
  });

  router.post('/v2/orders', (req, res) => {
    withInputErrors(res, () => {
      const input = orderFromPost(ctx.data, req.body);
      const order = placeOrder(ctx, buildOrder(ctx.data, input, { taxRate: ctx.settings.taxRate, nowMs: ctx.now(), stockLocationId: ctx.settings.orderStockLocationId }));
      // The spec declares 200 for this POST while the status-code page says 201 (FACTS.md section 6).
      res.status(ctx.settings.orderCreateStatus).json(serializeOrder(order, serializeOptions(req)));
    });
  });

  router.get('/v2/orders/:id', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    res.json(serializeOrder(order, serializeOptions(req)));
  });

  router.put('/v2/orders/:id', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    withInputErrors(res, () => {
      const { order: updated } = updateOrder(ctx, order, req.body);
      res.json(serializeOrder(updated, serializeOptions(req)));
    });
  });

  /** Archives: the order stays readable with `is_deleted: true` and leaves the default lists. */
  router.delete('/v2/orders/:id', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    if (!order.isDeleted) {
      order.isDeleted = true;
      order.modifiedMs = ctx.now();
      ctx.changed();
      ctx.emit('store/order/archived', { type: 'order', id: order.id });
    }
    res.status(204).end();
  });

  /** "Lists 50 order products on an order" by default, in line-id order. */
  router.get('/v2/orders/:id/products', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    const paging = v2Paging(req, ctx.settings.v2MaxLimit);
    if ('error' in paging) return void res.status(400).json(v2Error(400, paging.error));
    const lines = [...order.lines].sort((a, b) => a.id - b.id);
    sendV2Page(
      res,
      pageOf(lines, paging).map((l) => serializeLine(order, l)),
    );
  });

  router.get('/v2/orders/:id/products/:productId', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    const line = order?.lines.find((l) => String(l.id) === req.params.productId);
    if (!order || !line) return void notFound(res);
    res.json(serializeLine(order, line));
  });

  router.get('/v2/orders/:id/shipping_addresses', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    const paging = v2Paging(req, ctx.settings.v2MaxLimit);
    if ('error' in paging) return void res.status(400).json(v2Error(400, paging.error));
    const base = ctx.v2Base(req);
    sendV2Page(
      res,
      pageOf(order.shipping, paging).map((s) => serializeShippingAddress(order, s, base)),
    );
  });

  router.get('/v2/orders/:id/shipping_addresses/:addressId', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    const address = order?.shipping.find((s) => String(s.id) === req.params.addressId);
    if (!order || !address) return void notFound(res);
    res.json(serializeShippingAddress(order, address, ctx.v2Base(req)));
  });

  router.get('/v2/orders/:id/consignments', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    res.json(
      serializeConsignments(
        order,
        ctx.v2Base(req),
        String(req.query.include ?? '')
          .split(',')
          .includes('consignments.line_items'),
      ),
    );
  });

  /** Order fees; the spec's example is `{fees: [...]}`. */
  router.get('/v2/orders/:id/fees', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    res.json({ fees: feesOf(order).map(serializeFee) });
  });

  router.use(orderShipmentsRouter(ctx));

  router.get('/v2/order_statuses', (_req, res) => {
    res.json(ORDER_STATUSES.map(serializeStatus));
  });

  router.get('/v2/order_statuses/:statusId', (req, res) => {
    const status = ORDER_STATUSES.find((s) => String(s.id) === req.params.statusId);
    if (!status) return void notFound(res);
    res.json(serializeStatus(status));
  });

  return router;
}
