import express, { type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from './context';
import { OrderInputError } from './order-create';
import { generateOrders, generateSchema } from './order-generate';
import { declineRefund, serializeRefund } from './order-refunds';
import { orderSimSettings } from './order-sim-settings';
import { updateOrder } from './order-update';

/**
 * Order controls, what a shopper, a merchant or a payment gateway does outside the API:
 * - POST /__sandbox/orders/generate {count, ...options}: storefront orders (order-generate.ts)
 * - POST /__sandbox/orders/{id}/status {status_id}: a merchant changes the status in the control panel
 * - POST /__sandbox/refunds/{id}/decline {message?, payment_id?}: the gateway declines a refund payment later
 * - GET|PUT /__sandbox/orders/settings {refundProcessingMs}
 */
export function orderControls(ctx: SandboxContext): Router {
  const router = express.Router();
  const bad = (res: express.Response, reason: string) => res.status(400).json({ error: 'invalid control request', reason });
  const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

  router.post('/orders/generate', (req, res) => {
    const parsed = generateSchema.safeParse(req.body);
    if (!parsed.success) return void bad(res, issues(parsed.error));
    try {
      res.status(201).json({ ids: generateOrders(ctx, parsed.data) });
    } catch (err) {
      if (err instanceof OrderInputError || (err instanceof Error && err.message.includes('no stock left')))
        return void res.status(409).json({ error: 'cannot generate orders', reason: err.message });
      throw err;
    }
  });

  router.get('/orders/settings', (_req, res) => {
    res.json(orderSimSettings(ctx));
  });
  router.put('/orders/settings', (req, res) => {
    const parsed = z
      .strictObject({ refundProcessingMs: z.number().int().min(0).max(600_000) })
      .partial()
      .safeParse(req.body);
    if (!parsed.success) return void bad(res, issues(parsed.error));
    res.json(Object.assign(orderSimSettings(ctx), parsed.data));
  });

  /** Same path through the order as PUT /v2/orders/{id} {status_id}: same events, same date_modified. */
  router.post('/orders/:id/status', (req, res) => {
    const parsed = z.strictObject({ status_id: z.number().int().min(0).max(14) }).safeParse(req.body);
    if (!parsed.success) return void bad(res, issues(parsed.error));
    const order = ctx.data.orders[String(req.params.id)];
    if (!order) return void res.status(404).json({ error: 'no such order' });
    const previous = order.statusId;
    const { order: updated } = updateOrder(ctx, order, { status_id: parsed.data.status_id });
    res.json({ id: updated.id, previous_status_id: previous, status_id: updated.statusId });
  });

  router.post('/refunds/:id/decline', (req, res) => {
    const parsed = z
      .strictObject({ message: z.string().default('Refund declined by the payment provider.'), payment_id: z.number().int().positive().optional() })
      .safeParse(req.body ?? {});
    if (!parsed.success) return void bad(res, issues(parsed.error));
    const refund = ctx.data.refunds[String(req.params.id)];
    if (!refund) return void res.status(404).json({ error: 'no such refund' });
    if (parsed.data.payment_id !== undefined && !refund.payments.some((p) => p.id === parsed.data.payment_id))
      return void res.status(404).json({ error: 'no such refund payment' });
    res.json(serializeRefund(declineRefund(ctx, refund, parsed.data.message, parsed.data.payment_id)));
  });

  return router;
}
