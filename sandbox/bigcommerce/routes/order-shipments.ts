import express, { type Router } from 'express';
import type { SandboxContext } from '../context';
import { v2Error } from '../format';
import { pageOf, v2Paging } from '../order-paging';
import { createShipment, deleteShipment, serializeShipment, updateShipment } from '../order-shipments';
import { findOrder, notFound, sendV2Page, withInputErrors } from './order-route-helpers';

/** /v2/orders/{id}/shipments (orders.v2.oas2.yml, Order Shipments). "No Content (No shipments exist)" is 204. */
export function orderShipmentsRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  router.get('/v2/orders/:id/shipments', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    const paging = v2Paging(req, ctx.settings.v2MaxLimit);
    if ('error' in paging) return void res.status(400).json(v2Error(400, paging.error));
    sendV2Page(
      res,
      pageOf(order.shipments, paging).map((s) => serializeShipment(order, s)),
    );
  });

  router.get('/v2/orders/:id/shipments/count', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    res.json({ count: order.shipments.length });
  });

  router.post('/v2/orders/:id/shipments', (req, res) => {
    const order = findOrder(ctx, req.params.id);
    if (!order) return void notFound(res);
    withInputErrors(res, () => {
      const shipment = createShipment(ctx, order, req.body);
      res.status(201).json(serializeShipment(order, shipment));
    });
  });

  const findShipment = (req: express.Request) => {
    const order = findOrder(ctx, req.params.id as string);
    const shipment = order?.shipments.find((s) => String(s.id) === req.params.shipmentId);
    return order && shipment ? { order, shipment } : undefined;
  };

  router.get('/v2/orders/:id/shipments/:shipmentId', (req, res) => {
    const found = findShipment(req);
    if (!found) return void notFound(res);
    res.json(serializeShipment(found.order, found.shipment));
  });

  router.put('/v2/orders/:id/shipments/:shipmentId', (req, res) => {
    const found = findShipment(req);
    if (!found) return void notFound(res);
    withInputErrors(res, () => res.json(serializeShipment(found.order, updateShipment(ctx, found.order, found.shipment, req.body))));
  });

  router.delete('/v2/orders/:id/shipments/:shipmentId', (req, res) => {
    const found = findShipment(req);
    if (!found) return void notFound(res);
    deleteShipment(ctx, found.order, found.shipment);
    res.status(204).end();
  });

  return router;
}
