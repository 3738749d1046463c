import express, { type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { v3Error } from '../format';
import { nextId, type SandboxMetafield } from '../state';

/**
 * Order metafields V3 (orders.v3.yml, /orders/{order_id}/metafields): custom data an app keeps on an
 * order, e.g. the ERP's id for it. Visible only to the API client that wrote them (like hooks), and
 * unique per client + namespace + key + order: a second create is a 409, which makes a blind retry
 * of the create harmless.
 */
const permissionSet = z.enum(['app_only', 'read', 'write', 'read_and_sf_access', 'write_and_sf_access']);
const metafieldPost = z.object({
  permission_set: permissionSet,
  namespace: z.string().min(1).max(64),
  key: z.string().min(1).max(64),
  value: z.string().min(1).max(65_535),
  description: z.string().max(255).default(''),
});

const serialize = (m: SandboxMetafield) => ({
  id: m.id,
  namespace: m.namespace,
  key: m.key,
  value: m.value,
  description: m.description,
  permission_set: m.permission_set,
  resource_type: 'order',
  resource_id: m.order_id,
  date_created: m.date_created,
  date_modified: m.date_modified,
  owner_client_id: m.owner_client_id,
});

export function orderMetafieldsRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const invalid = (e: z.ZodError) => v3Error(422, 'JSON data is missing or invalid', Object.fromEntries(e.issues.map((i) => [i.path.join('.') || 'body', i.message])));

  const order = (req: express.Request, res: express.Response) => {
    const found = ctx.data.orders[String(req.params.orderId)];
    if (!found) res.status(404).json(v3Error(404, 'The requested resource was not found.'));
    return found;
  };
  const mine = (orderId: number, clientId: string) =>
    Object.values(ctx.data.orderMetafields)
      .filter((m) => m.order_id === orderId && m.owner_client_id === clientId)
      .sort((a, b) => a.id - b.id);

  router.get('/v3/orders/:orderId/metafields', (req, res) => {
    const o = order(req, res);
    if (!o) return;
    let list = mine(o.id, res.locals.clientId as string);
    if (typeof req.query.key === 'string') list = list.filter((m) => m.key === req.query.key);
    if (typeof req.query.namespace === 'string') list = list.filter((m) => m.namespace === req.query.namespace);
    const limit = Math.min(250, Math.max(1, Number(req.query.limit ?? 50) || 50));
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const slice = list.slice((page - 1) * limit, page * limit);
    res.json({
      data: slice.map(serialize),
      meta: {
        pagination: {
          total: list.length,
          count: slice.length,
          per_page: limit,
          current_page: page,
          total_pages: Math.max(1, Math.ceil(list.length / limit)),
          links: { current: `?page=${page}&limit=${limit}` },
        },
      },
    });
  });

  router.post('/v3/orders/:orderId/metafields', (req, res) => {
    const o = order(req, res);
    if (!o) return;
    const parsed = metafieldPost.safeParse(req.body);
    if (!parsed.success) return void res.status(422).json(invalid(parsed.error));
    const clientId = res.locals.clientId as string;
    const list = mine(o.id, clientId);
    if (list.some((m) => m.namespace === parsed.data.namespace && m.key === parsed.data.key)) {
      return void res.status(409).json({
        status: 409,
        title: 'The metafield conflicts with another metafield: the namespace and key are already in use on this order.',
        type: '/api-docs/getting-started/api-status-codes',
        errors: {},
      });
    }
    if (list.length >= 250) return void res.status(422).json(v3Error(422, 'The maximum number of metafields per order and client is 250.'));
    const now = new Date(ctx.now()).toISOString();
    const m: SandboxMetafield = { id: nextId(ctx.data, 'metafield'), order_id: o.id, ...parsed.data, owner_client_id: clientId, date_created: now, date_modified: now };
    ctx.data.orderMetafields[String(m.id)] = m;
    ctx.changed();
    // Metafields are not order changes: date_modified stays, no store/order/updated.
    ctx.emit('store/metafield/created', { metafield_id: m.id, resource_id: String(o.id), resource_type: 'order' });
    res.json({ data: serialize(m), meta: {} });
  });

  const metafield = (req: express.Request, res: express.Response) => {
    const m = ctx.data.orderMetafields[String(req.params.metafieldId)];
    if (!m || m.order_id !== Number(req.params.orderId) || m.owner_client_id !== res.locals.clientId) {
      res.status(404).json(v3Error(404, 'The requested resource was not found.'));
      return undefined;
    }
    return m;
  };

  router.get('/v3/orders/:orderId/metafields/:metafieldId', (req, res) => {
    const m = metafield(req, res);
    if (m) res.json({ data: serialize(m), meta: {} });
  });

  router.put('/v3/orders/:orderId/metafields/:metafieldId', (req, res) => {
    const m = metafield(req, res);
    if (!m) return;
    const parsed = metafieldPost.partial().safeParse(req.body);
    if (!parsed.success) return void res.status(422).json(invalid(parsed.error));
    Object.assign(m, parsed.data, { date_modified: new Date(ctx.now()).toISOString() });
    ctx.changed();
    ctx.emit('store/metafield/updated', { metafield_id: m.id, resource_id: String(m.order_id), resource_type: 'order' });
    res.json({ data: serialize(m), meta: {} });
  });

  router.delete('/v3/orders/:orderId/metafields/:metafieldId', (req, res) => {
    const m = metafield(req, res);
    if (!m) return;
    delete ctx.data.orderMetafields[String(m.id)];
    ctx.changed();
    res.status(204).end();
  });

  return router;
}
