import express, { type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from './context';
import { orderControls } from './controls-orders';
import { inventoryRecordControls } from './inventory-record';
import { stockTruthControls } from './stock-truth';
import { invalidControlRequest } from '../control-errors';

/**
 * `/__sandbox/...`: what a real store does not have. Inspect deliveries, reset and seed, turn
 * quota pressure and faults on and off. No authentication: never expose the sandbox publicly.
 * Documented in sandbox/README.md.
 */
export function controlsRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  // Before the default JSON parser: the truth for thousands of SKUs is a large body.
  router.use(stockTruthControls(ctx));
  router.use(express.json());
  router.use(inventoryRecordControls(ctx));

  router.get('/summary', (_req, res) => {
    const d = ctx.data;
    res.json({
      storeHash: ctx.storeHash,
      counts: {
        orders: Object.keys(d.orders).length,
        refunds: Object.keys(d.refunds).length,
        products: Object.keys(d.products).length,
        variants: Object.keys(d.variants).length,
        customers: Object.keys(d.customers).length,
        locations: Object.keys(d.locations).length,
        priceLists: Object.keys(d.priceLists).length,
      },
      hooks: Object.values(d.hooks).map((h) => ({
        id: h.id,
        clientId: h.clientId,
        scope: h.scope,
        destination: h.destination,
        isActive: h.isActive,
        deactivated: h.deactivatedMs !== null,
      })),
      webhooks: { pending: ctx.dispatcher.pending, delivered: ctx.dispatcher.deliveries.length },
      rateLimit: { ...ctx.limiter.state(), enabled: ctx.limiter.enabled, pressure: ctx.limiter.pressure, stats: ctx.limiter.stats },
      settings: ctx.settings,
    });
  });

  router.post('/reset', (_req, res) => {
    ctx.reset();
    ctx.faults.clear();
    ctx.limiter.pressure = { otherAppsShare: 0, platformLoadRate: 0 };
    ctx.dispatcher.faults = { duplicateRate: 0, copies: 1, delayMs: [0, 0], dropRate: 0 };
    res.json({ reset: true });
  });

  router.get('/deliveries', (req, res) => {
    const scope = typeof req.query.scope === 'string' ? req.query.scope : undefined;
    const hookId = req.query.hook_id !== undefined ? Number(req.query.hook_id) : undefined;
    const sinceMs = req.query.since_ms !== undefined ? Number(req.query.since_ms) : undefined;
    const deliveries = ctx.dispatcher.deliveries.filter(
      (d) => (scope === undefined || d.scope === scope) && (hookId === undefined || d.hookId === hookId) && (sinceMs === undefined || d.atMs >= sinceMs),
    );
    res.json({ deliveries, pending: ctx.dispatcher.pending, idle: ctx.dispatcher.idle });
  });

  router.delete('/deliveries', (_req, res) => {
    ctx.dispatcher.clearHistory();
    res.status(204).end();
  });

  /**
   * The store's own count of the requests it answered (by method, route, status and client), and,
   * while `record` is on, each one with its time: what benches count BigCommerce calls with.
   */
  router.get('/requests', (req, res) => {
    const sinceMs = req.query.since_ms !== undefined ? Number(req.query.since_ms) : 0;
    res.json({
      sinceMs: ctx.requests.sinceMs,
      recording: ctx.requests.recording,
      counts: ctx.requests.summary(),
      ...(req.query.entries === '1' ? { entries: ctx.requests.entries(sinceMs) } : {}),
    });
  });
  router.put('/requests', (req, res) => {
    const parsed = z.object({ record: z.boolean() }).safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.requests.recording = parsed.data.record;
    res.json({ recording: ctx.requests.recording });
  });
  router.delete('/requests', (_req, res) => {
    ctx.requests.clear();
    res.status(204).end();
  });

  router.get('/notifications', (_req, res) => {
    res.json({ notifications: ctx.dispatcher.notifications });
  });

  const rateLimitBody = z
    .object({
      quota: z.number().int().positive(),
      windowMs: z.number().int().positive(),
      enabled: z.boolean(),
      otherAppsShare: z.number().min(0).max(1),
      platformLoadRate: z.number().min(0).max(1),
    })
    .partial();
  router.get('/rate-limit', (_req, res) => {
    res.json({ ...ctx.limiter.state(), enabled: ctx.limiter.enabled, pressure: ctx.limiter.pressure, stats: ctx.limiter.stats });
  });
  router.put('/rate-limit', (req, res) => {
    const parsed = rateLimitBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const b = parsed.data;
    if (b.quota !== undefined) ctx.limiter.quota = b.quota;
    if (b.windowMs !== undefined) ctx.limiter.windowMs = b.windowMs;
    if (b.enabled !== undefined) ctx.limiter.enabled = b.enabled;
    if (b.otherAppsShare !== undefined) ctx.limiter.pressure.otherAppsShare = b.otherAppsShare;
    if (b.platformLoadRate !== undefined) ctx.limiter.pressure.platformLoadRate = b.platformLoadRate;
    res.json({ ...ctx.limiter.state(), enabled: ctx.limiter.enabled, pressure: ctx.limiter.pressure });
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

  const webhookFaultsBody = z
    .object({
      duplicateRate: z.number().min(0).max(1),
      copies: z.number().int().min(1).max(10),
      delayMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([a, b]) => a <= b, 'delayMs is [min, max]'),
      dropRate: z.number().min(0).max(1),
    })
    .partial();
  router.get('/webhook-faults', (_req, res) => {
    res.json(ctx.dispatcher.faults);
  });
  router.put('/webhook-faults', (req, res) => {
    const parsed = webhookFaultsBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.dispatcher.faults = { ...ctx.dispatcher.faults, ...parsed.data };
    res.json(ctx.dispatcher.faults);
  });

  const settingsBody = z
    .object({
      taxRate: z.number().min(0).max(1),
      orderCreateStatus: z.union([z.literal(200), z.literal(201)]),
      strictHookDestinations: z.boolean(),
      inventoryDelayMs: z.number().int().min(0).max(60_000),
      v2MaxLimit: z.number().int().positive(),
      orderStockLocationId: z.number().int().positive(),
    })
    .partial();
  router.put('/settings', (req, res) => {
    const parsed = settingsBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    Object.assign(ctx.settings, parsed.data);
    res.json(ctx.settings);
  });

  /** Fire any event, as if the store had changed: for rehearsing handlers of scopes the API cannot trigger. */
  router.post('/events', (req, res) => {
    const parsed = z.object({ scope: z.string().regex(/^store\//), data: z.record(z.string(), z.unknown()) }).safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.emit(parsed.data.scope, parsed.data.data);
    res.status(202).json({ emitted: parsed.data.scope });
  });

  /** BigCommerce also deactivates hooks after 90 days without activity; this does it now. */
  router.post('/hooks/:id/deactivate', (req, res) => {
    const hook = ctx.data.hooks[String(req.params.id)];
    if (!hook) return void res.status(404).json({ error: 'no such hook' });
    hook.isActive = false;
    hook.deactivatedMs = ctx.now();
    hook.updatedMs = ctx.now();
    ctx.changed();
    res.json({ id: hook.id, isActive: false });
  });

  router.use(orderControls(ctx));
  return router;
}
