import express, { type Router } from 'express';
import { z } from 'zod';
import { invalidControlRequest } from '../control-errors';
import { mountFaultControls } from '../fault-controls';
import type { CrmContext } from './context';
import { propertiesSchema } from './schemas';
import { type CrmObjectType, OBJECT_TYPES } from './state';

/**
 * `/__sandbox/...` of the CRM sandbox: what HubSpot does not have. Records, write counters, call
 * counts, the request log, limits, a CRM user changing a record, the app's webhook settings and
 * deliveries, property definitions, faults and a reset. No authentication: never expose the
 * sandbox publicly. Documented in sandbox/README.md.
 */
export function crmControlsRouter(ctx: CrmContext): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/records', (_req, res) => {
    res.json({
      contacts: Object.values(ctx.data.contacts),
      companies: Object.values(ctx.data.companies),
      associations: ctx.data.associations,
      gdprDeletions: ctx.data.gdprDeletions,
    });
  });

  router.get('/summary', (_req, res) => {
    const count = (t: CrmObjectType) => {
      const all = Object.values(ctx.data[t]);
      return { total: all.length, live: all.filter((r) => !r.archived).length, archived: all.filter((r) => r.archived).length };
    };
    res.json({
      portalId: ctx.data.portalId,
      contacts: count('contacts'),
      companies: count('companies'),
      associations: ctx.data.associations.length,
      gdprDeletions: ctx.data.gdprDeletions.length,
      writes: ctx.counters,
      calls: ctx.calls.summary(),
      rateLimit: ctx.limits.state(),
      webhooks: { emitted: ctx.emitter.emitted.length, deliveries: ctx.emitter.deliveries.length, pending: ctx.emitter.pending },
    });
  });

  router.get('/requests', (req, res) => {
    const sinceMs = req.query.since_ms !== undefined ? Number(req.query.since_ms) : undefined;
    const operation = typeof req.query.operation === 'string' ? req.query.operation : undefined;
    res.json({ requests: ctx.calls.list({ sinceMs, operation }) });
  });
  router.delete('/requests', (_req, res) => {
    ctx.calls.clear();
    res.status(204).end();
  });

  router.post('/reset', (_req, res) => {
    ctx.reset();
    res.json({ reset: true });
  });

  const limitsBody = z.strictObject({
    enabled: z.boolean().optional(),
    max: z.number().int().positive().optional(),
    intervalMs: z.number().int().positive().optional(),
    daily: z.number().int().positive().optional(),
    /** How much of today's budget is already spent (to rehearse the daily limit). */
    usedToday: z.number().int().min(0).optional(),
  });
  router.get('/limits', (_req, res) => {
    res.json(ctx.limits.state());
  });
  router.put('/limits', (req, res) => {
    const parsed = limitsBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.limits.configure(parsed.data);
    res.json(ctx.limits.state());
  });

  /**
   * A CRM user changes a record in HubSpot's UI: the change is recorded with sourceType CRM_UI, the
   * user's id and its own time (`timestamp`, ISO or epoch ms; now by default), and webhooks fire.
   * `?idProperty=email` names the record by a unique property.
   */
  const userChange = z.strictObject({
    properties: propertiesSchema,
    timestamp: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]).optional(),
    userId: z.number().int().positive().optional(),
  });
  for (const type of OBJECT_TYPES) {
    router.patch(`/${type}/:id`, (req, res) => {
      const parsed = userChange.safeParse(req.body);
      if (!parsed.success) return void invalidControlRequest(res, parsed.error);
      const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
      const record = ctx.store.find(type, String(req.params.id), idProperty);
      if (!record) return void res.status(404).json({ error: `no live ${type} record ${String(req.params.id)}` });
      const failure = ctx.store.check(type, parsed.data.properties, record);
      if (failure) return void res.status(failure.status).json({ error: failure.message });
      const { timestamp } = parsed.data;
      const atMs = timestamp === undefined ? ctx.now() : typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
      const changed = ctx.store.write(type, record, parsed.data.properties, { sourceType: 'CRM_UI', sourceId: null, updatedByUserId: parsed.data.userId ?? 9000001, atMs });
      ctx.counters.userChanges[type]++;
      ctx.changed();
      res.json({ changed, record });
    });

    router.get(`/${type}/:id`, (req, res) => {
      const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
      const record = ctx.store.find(type, String(req.params.id), idProperty) ?? ctx.store.find(type, String(req.params.id), undefined, { archived: true });
      if (!record) return void res.status(404).json({ error: `no ${type} record ${String(req.params.id)}` });
      const key = type === 'contacts' ? 'contactId' : 'companyId';
      res.json({ record, associations: ctx.data.associations.filter((a) => a[key] === record.id) });
    });
  }

  const webhooksBody = z.strictObject({
    targetUrl: z.url().nullable().optional(),
    clientSecret: z.string().min(1).optional(),
    appId: z.number().int().positive().optional(),
    includeIntegrationChanges: z.boolean().optional(),
    batchWindowMs: z.number().int().min(0).max(60_000).optional(),
    maxEventsPerRequest: z.number().int().min(1).max(100).optional(),
    retryDelaysMs: z.array(z.number().int().min(0).max(86_400_000)).max(20).optional(),
    timeoutMs: z.number().int().positive().max(120_000).optional(),
    /** Replaces the subscriptions: "contact.propertyChange" needs a propertyName. */
    subscriptions: z
      .array(
        z
          .strictObject({
            subscriptionType: z.string().regex(/^(contact|company)\.(propertyChange|creation|deletion|privacyDeletion)$/),
            propertyName: z.string().min(1).optional(),
            active: z.boolean().default(true),
          })
          .refine((s) => s.subscriptionType.endsWith('.propertyChange') === (s.propertyName !== undefined), 'propertyChange subscriptions, and only they, name a propertyName'),
      )
      .max(1000)
      .optional(),
  });
  router.get('/webhooks', (_req, res) => {
    res.json(ctx.data.webhooks);
  });
  router.put('/webhooks', (req, res) => {
    const parsed = webhooksBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const { subscriptions, ...settings } = parsed.data;
    for (const [k, v] of Object.entries(settings)) if (v !== undefined) Object.assign(ctx.data.webhooks, { [k]: v });
    if (subscriptions) {
      ctx.data.webhooks.subscriptions = subscriptions.map((s) => ({
        id: ctx.data.nextIds.subscription++,
        subscriptionType: s.subscriptionType,
        propertyName: s.propertyName ?? null,
        active: s.active,
      }));
    }
    ctx.changed();
    res.json(ctx.data.webhooks);
  });

  router.get('/deliveries', (req, res) => {
    const sinceMs = req.query.since_ms !== undefined ? Number(req.query.since_ms) : undefined;
    res.json({
      deliveries: ctx.emitter.deliveries.filter((d) => sinceMs === undefined || d.atMs >= sinceMs),
      emitted: ctx.emitter.emitted,
      pending: ctx.emitter.pending,
      idle: ctx.emitter.idle,
    });
  });
  router.delete('/deliveries', (_req, res) => {
    ctx.emitter.clearHistory();
    res.status(204).end();
  });

  const propertiesBody = z.strictObject({
    objectType: z.enum(OBJECT_TYPES),
    add: z.array(z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_]*$/), unique: z.boolean().default(false) })).min(1),
  });
  router.get('/properties', (_req, res) => {
    res.json(ctx.data.properties);
  });
  router.put('/properties', (req, res) => {
    const parsed = propertiesBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const defs = ctx.data.properties[parsed.data.objectType];
    for (const p of parsed.data.add) {
      const existing = defs.find((d) => d.name === p.name);
      if (existing?.readOnly) return void res.status(400).json({ error: 'invalid control request', reason: `${p.name} is read-only` });
      if (existing) existing.unique = p.unique;
      else defs.push({ name: p.name, unique: p.unique, readOnly: false });
    }
    ctx.store.rebuild();
    ctx.changed();
    res.json(ctx.data.properties);
  });

  mountFaultControls(router, ctx.faults);

  return router;
}
