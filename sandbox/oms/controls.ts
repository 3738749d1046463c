import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import type { OmsContext } from './context';
import { SsRequestError } from './errors';
import { shipOrder, voidShipment } from './shipping';
import { invalidControlRequest } from '../control-errors';

/**
 * `/__sandbox/...`: what ShipStation does not have. The warehouse shipping an order, the 3PL's
 * rules, faults, an outage switch, the webhook log. No authentication: never expose the sandbox
 * publicly. Documented in sandbox/README.md.
 */
export function omsControlsRouter(ctx: OmsContext): Router {
  const router = express.Router();
  router.use(express.json());

  const refused = (res: Response, err: unknown) => {
    if (!(err instanceof SsRequestError)) throw err;
    res.status(err.status).json({ error: err.message });
  };

  router.get('/summary', (_req, res) => {
    const orders = Object.values(ctx.data.orders);
    const byStatus: Record<string, number> = {};
    for (const o of orders) byStatus[o.orderStatus] = (byStatus[o.orderStatus] ?? 0) + 1;
    const shipments = Object.values(ctx.data.shipments);
    res.json({
      orders: { total: orders.length, active: orders.filter((o) => o.active).length, byStatus },
      // Orders per orderKey are 1 by construction; writes show how often each key was (re)sent.
      writes: ctx.data.writes,
      shipments: { total: shipments.length, voided: shipments.filter((s) => s.voided).length },
      webhooks: Object.values(ctx.data.webhooks),
      deliveries: { total: ctx.notifier.deliveries.length, pending: ctx.notifier.pending },
      rules: ctx.data.rules,
      knownSkus: ctx.data.knownSkus.length,
      rateLimit: { ...ctx.limits.settings(), stats: ctx.limits.stats },
      outage: ctx.outage.down,
      settings: ctx.notifier.settings,
    });
  });

  router.post('/reset', (_req, res) => {
    ctx.reset();
    res.json({ reset: true });
  });

  const rulesBody = z
    .object({
      rejectUnknownSkus: z.boolean(),
      requireShipToAddress: z.boolean(),
      knownSkus: z.array(z.string().min(1)).max(100_000),
      /** Added to the known SKUs (knownSkus replaces them). */
      addSkus: z.array(z.string().min(1)).max(100_000),
    })
    .partial();
  router.get('/rules', (_req, res) => {
    res.json({ ...ctx.data.rules, knownSkus: ctx.data.knownSkus });
  });
  router.put('/rules', (req, res) => {
    const parsed = rulesBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const { knownSkus, addSkus, ...rules } = parsed.data;
    Object.assign(ctx.data.rules, rules);
    if (knownSkus) ctx.data.knownSkus = [...new Set(knownSkus)];
    if (addSkus) ctx.data.knownSkus = [...new Set([...ctx.data.knownSkus, ...addSkus])];
    ctx.changed();
    res.json({ ...ctx.data.rules, knownSkus: ctx.data.knownSkus });
  });

  const faultBody = z.object({
    method: z.string().default('*'),
    path: z.string().min(1),
    status: z.number().int().min(100).max(599).optional(),
    body: z.unknown().optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    times: z.number().int().positive().optional(),
    rate: z.number().min(0).max(1).optional(),
    /** Carry the request out, then answer `status` anyway (a lost answer). */
    lostAnswer: z.boolean().optional(),
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: ctx.faults.list() });
  });
  router.post('/faults', (req, res) => {
    const parsed = faultBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    try {
      res.status(201).json(ctx.faults.add(parsed.data));
    } catch (err) {
      res.status(400).json({ error: 'invalid control request', reason: `path is not a valid regular expression: ${(err as Error).message}` });
    }
  });
  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });

  router.get('/outage', (_req, res) => {
    res.json({ down: ctx.outage.down });
  });
  router.put('/outage', (req, res) => {
    const parsed = z.object({ down: z.boolean() }).safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.outage.down = parsed.data.down;
    res.json({ down: ctx.outage.down });
  });

  const settingsBody = z
    .object({
      rateLimit: z.number().int().positive(),
      windowMs: z.number().int().positive(),
      rateLimitEnabled: z.boolean(),
      webhookRetryDelaysMs: z.array(z.number().int().min(0).max(86_400_000)).max(20),
      webhookTimeoutMs: z.number().int().positive().max(120_000),
    })
    .partial();
  const settings = () => ({
    rateLimit: ctx.limits.limit,
    windowMs: ctx.limits.windowMs,
    rateLimitEnabled: ctx.limits.enabled,
    webhookRetryDelaysMs: ctx.notifier.settings.retryDelaysMs,
    webhookTimeoutMs: ctx.notifier.settings.timeoutMs,
  });
  router.get('/settings', (_req, res) => {
    res.json(settings());
  });
  router.put('/settings', (req, res) => {
    const parsed = settingsBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const b = parsed.data;
    if (b.rateLimit !== undefined || b.windowMs !== undefined || b.rateLimitEnabled !== undefined) {
      ctx.limits.configure({ limit: b.rateLimit, windowMs: b.windowMs, enabled: b.rateLimitEnabled });
    }
    if (b.webhookRetryDelaysMs) ctx.notifier.settings.retryDelaysMs = b.webhookRetryDelaysMs;
    if (b.webhookTimeoutMs) ctx.notifier.settings.timeoutMs = b.webhookTimeoutMs;
    res.json(settings());
  });

  router.get('/deliveries', (req, res) => {
    const webhookId = req.query.webhook_id !== undefined ? Number(req.query.webhook_id) : undefined;
    const sinceMs = req.query.since_ms !== undefined ? Number(req.query.since_ms) : undefined;
    const deliveries = ctx.notifier.deliveries.filter((d) => (webhookId === undefined || d.webhookId === webhookId) && (sinceMs === undefined || d.atMs >= sinceMs));
    res.json({ deliveries, pending: ctx.notifier.pending, idle: ctx.notifier.idle });
  });
  router.delete('/deliveries', (_req, res) => {
    ctx.notifier.clearHistory();
    res.status(204).end();
  });

  const shipBody = z
    .object({
      trackingNumber: z.string().min(1).max(100).optional(),
      carrierCode: z.string().min(1).optional(),
      serviceCode: z.string().min(1).optional(),
      items: z
        .array(z.object({ lineItemKey: z.string().min(1), quantity: z.number().int().positive() }))
        .min(1)
        .optional(),
    })
    .strict();
  router.post('/orders/:orderKey/ship', (req, res) => {
    const parsed = shipBody.safeParse(req.body ?? {});
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    try {
      const shipment = shipOrder(ctx, String(req.params.orderKey), parsed.data, ctx.publicUrl(req));
      const order = ctx.data.orders[String(shipment.orderId)]!;
      res.status(201).json({ shipment, orderStatus: order.orderStatus });
    } catch (err) {
      refused(res, err);
    }
  });

  router.post('/shipments/:shipmentId/void', (req, res) => {
    try {
      const shipment = voidShipment(ctx, String(req.params.shipmentId));
      res.json({ shipment, orderStatus: ctx.data.orders[String(shipment.orderId)]?.orderStatus ?? null });
    } catch (err) {
      refused(res, err);
    }
  });

  return router;
}
