import express, { type Router } from 'express';
import type { SandboxContext } from '../context';
import { v3Error } from '../format';
import { createRefund, quote, quoteSchema, RefundError, refundSchema, serializeRefund, zodToRefundError } from '../order-refunds';
import type { SandboxOrder, SandboxRefund } from '../state';

const ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/**
 * Refunds V3 (orders.v3.yml: payment_actions/refund_quotes, refunds). Envelopes `{data, meta}`.
 * A quote's 422 is the plain V3 error (422_UnprocessableEntity); a refund's 422 is wrapped,
 * `{data: [{status, title, type}]}`, as the spec's "Create a Refund" 422 shows (FACTS.md section 5).
 */
export function refundsRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  const orderOf = (id: string | undefined): SandboxOrder | undefined => (id && /^\d+$/.test(id) ? ctx.data.orders[String(Number(id))] : undefined);
  const orderNotFound = (res: express.Response, id: string | undefined) => res.status(404).json(v3Error(404, `Order ${id} not found.`));

  router.post('/v3/orders/:id/payment_actions/refund_quotes', (req, res) => {
    const order = orderOf(req.params.id);
    if (!order) return void orderNotFound(res, req.params.id);
    try {
      const parsed = quoteSchema.safeParse(req.body);
      if (!parsed.success) throw zodToRefundError(parsed.error);
      res.status(201).json({ data: quote(order, parsed.data), meta: {} });
    } catch (err) {
      if (!(err instanceof RefundError)) throw err;
      res.status(err.status).json(v3Error(err.status, err.message, err.errors));
    }
  });

  router.post('/v3/orders/:id/payment_actions/refunds', (req, res) => {
    const order = orderOf(req.params.id);
    if (!order) return void orderNotFound(res, req.params.id);
    try {
      const parsed = refundSchema.safeParse(req.body);
      if (!parsed.success) throw zodToRefundError(parsed.error);
      const refund = createRefund(ctx, order, parsed.data);
      res.status(201).json({ data: serializeRefund(refund), meta: {} });
    } catch (err) {
      if (!(err instanceof RefundError)) throw err;
      const detail = Object.entries(err.errors).map(([k, v]) => `${k}: ${v}`);
      res.status(err.status).json({ data: [{ status: err.status, title: err.message, type: ERROR_TYPE, ...(detail.length ? { errors: err.errors } : {}) }] });
    }
  });

  const byTransaction = (req: express.Request) => {
    const t = req.query.transaction_id;
    return (r: SandboxRefund) => typeof t !== 'string' || r.payments.some((p) => p.transactionId === t);
  };

  /** "Returns a list of refunds ordered by refund ID in ascending order for the given order." */
  router.get('/v3/orders/:id/payment_actions/refunds', (req, res) => {
    const order = orderOf(req.params.id);
    if (!order) return void orderNotFound(res, req.params.id);
    const refunds = Object.values(ctx.data.refunds)
      .filter((r) => r.orderId === order.id)
      .filter(byTransaction(req))
      .sort((a, b) => a.id - b.id);
    res.json({ data: refunds.map(serializeRefund), meta: {} });
  });

  router.get('/v3/orders/payment_actions/refunds', (req, res) => {
    const q = req.query;
    const ids = (name: string): number[] | undefined | 'bad' => {
      const raw = q[name];
      if (raw === undefined) return undefined;
      const parts = String(raw).split(',');
      return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : 'bad';
    };
    const date = (name: string): number | undefined | 'bad' => {
      const raw = q[name];
      if (raw === undefined) return undefined;
      // RFC 3339 date-time, e.g. 2020-01-15T01:02:34-01:00.
      const ok = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
      return ok ? Date.parse(raw) : 'bad';
    };
    const orderIds = ids('order_id:in');
    const refundIds = ids('id:in');
    const min = date('created:min');
    const max = date('created:max');
    const page = q.page === undefined ? 1 : Number(q.page);
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    const errors: Record<string, string> = {};
    if (orderIds === 'bad') errors['order_id:in'] = 'must be a comma-separated list of integers';
    if (refundIds === 'bad') errors['id:in'] = 'must be a comma-separated list of integers';
    if (min === 'bad') errors['created:min'] = 'must be an RFC 3339 date-time';
    if (max === 'bad') errors['created:max'] = 'must be an RFC 3339 date-time';
    if (!Number.isInteger(page) || page < 1) errors.page = 'must be a positive integer';
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) errors.limit = 'must be an integer from 1 to 250';
    if (Object.keys(errors).length) return void res.status(422).json(v3Error(422, 'Invalid query parameters', errors));

    const all = Object.values(ctx.data.refunds)
      .filter((r) => orderIds === undefined || (orderIds as number[]).includes(r.orderId))
      .filter((r) => refundIds === undefined || (refundIds as number[]).includes(r.id))
      .filter((r) => min === undefined || r.createdMs >= (min as number))
      .filter((r) => max === undefined || r.createdMs <= (max as number))
      .filter(byTransaction(req))
      .sort((a, b) => a.id - b.id);
    const items = all.slice((page - 1) * limit, page * limit);
    const totalPages = Math.max(1, Math.ceil(all.length / limit));
    const link = (p: number) => `?page=${p}&limit=${limit}`;
    res.json({
      data: items.map(serializeRefund),
      // metaEmpty_Full allows any members; V3 collections carry their pagination here.
      meta: {
        pagination: {
          total: all.length,
          count: items.length,
          per_page: limit,
          current_page: page,
          total_pages: totalPages,
          links: { current: link(page), ...(page > 1 ? { previous: link(page - 1) } : {}), ...(page < totalPages ? { next: link(page + 1) } : {}) },
        },
      },
    });
  });

  router.get('/v3/orders/payment_actions/refunds/:refundId', (req, res) => {
    const refund = /^\d+$/.test(req.params.refundId ?? '') ? ctx.data.refunds[String(Number(req.params.refundId))] : undefined;
    if (!refund) return void res.status(404).json(v3Error(404, `Refund ${req.params.refundId} not found.`));
    res.json({ data: serializeRefund(refund), meta: {} });
  });

  return router;
}
