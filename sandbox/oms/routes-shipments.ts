import express, { type Router } from 'express';
import type { OmsContext } from './context';
import { ssMessage } from './errors';
import { pageOf, paging, queryParam } from './query';
import { shipmentResponse } from './serialize';
import type { SsShipment } from './state';

/**
 * GET /shipments: https://docs.shipstation.com/apis/shipstation-v1/docs/shipments/list-shipments
 * Filters `orderId`, `orderNumber`, `trackingNumber`, `storeId` and `batchId` (not in the published
 * parameter list, but it is what a SHIP_NOTIFY resource_url carries), paging, and
 * `includeShipmentItems` (items only when it is true). Sorted by creation, oldest first.
 */
export function shipmentsRouter(ctx: OmsContext): Router {
  const router = express.Router();
  router.get('/shipments', (req, res) => {
    const p = paging(req);
    if ('error' in p) return void res.status(400).json(ssMessage(p.error));
    const filters: Array<[string, (s: SsShipment) => string]> = [
      ['orderId', (s) => String(s.orderId)],
      ['orderNumber', (s) => s.orderNumber],
      ['trackingNumber', (s) => s.trackingNumber],
      ['storeId', (s) => String(s.storeId)],
      ['batchId', (s) => String(s.batchId)],
    ];
    for (const [name] of filters) {
      const value = queryParam(req, name);
      if ((name === 'orderId' || name === 'batchId' || name === 'storeId') && value !== undefined && value !== '' && !/^\d+$/.test(value)) {
        return void res.status(400).json(ssMessage(`The value '${value}' is not valid for ${name}.`));
      }
    }
    const include = (queryParam(req, 'includeShipmentItems') ?? '').toLowerCase() === 'true';
    const matches = Object.values(ctx.data.shipments)
      .filter((s) =>
        filters.every(([name, read]) => {
          const wanted = queryParam(req, name);
          return wanted === undefined || wanted === '' || read(s) === wanted;
        }),
      )
      .sort((a, b) => a.createdMs - b.createdMs || a.shipmentId - b.shipmentId);
    const page = pageOf(matches, p.page, p.pageSize);
    res.json({ shipments: page.items.map((s) => shipmentResponse(s, include)), total: page.total, page: page.page, pages: page.pages });
  });
  return router;
}
