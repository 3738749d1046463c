import express, { type Router } from 'express';
import { z } from 'zod';
import { invalidControlRequest } from '../control-errors';
import { mountFaultControls } from '../fault-controls';
import type { MarketingContext } from './context';
import { KLAVIYO_OPERATION_LIMITS, KLAVIYO_TIERS, type KlaviyoTier } from './rate-limit';

/**
 * `/__sandbox/...` of the marketing sandbox: what Klaviyo does not have. The records (profiles,
 * events, duplicates ignored, consent, deletions), call counts per operation, the request log,
 * rate-limit settings, faults and a reset. No authentication: never expose the sandbox publicly.
 * Documented in sandbox/README.md.
 */
export function marketingControlsRouter(ctx: MarketingContext): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/records', (_req, res) => {
    res.json({
      profiles: Object.values(ctx.data.profiles),
      metrics: Object.values(ctx.data.metrics),
      events: ctx.data.events,
      duplicates: ctx.data.duplicates,
      consent: ctx.data.consent,
      deletions: ctx.data.deletions,
    });
  });

  /** One profile by email, external id, phone number or id, with its events and consent log (404 when none). */
  router.get('/profiles/lookup', (req, res) => {
    const q = req.query;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const byId = str(q.id) ? ctx.store.get(str(q.id)!) : undefined;
    const profile = byId ?? ctx.store.matches({ email: str(q.email), external_id: str(q.external_id), phone_number: str(q.phone_number) })[0];
    if (!profile) return void res.status(404).json({ error: 'no such profile' });
    res.json({
      profile,
      events: ctx.data.events.filter((e) => e.profileId === profile.id),
      duplicates: ctx.data.duplicates.filter((d) => d.profileId === profile.id),
      consent: ctx.data.consent.filter((c) => c.profileId === profile.id),
    });
  });

  router.get('/summary', (_req, res) => {
    const events = ctx.data.events;
    const byMetric: Record<string, { recorded: number; backfill: number; duplicatesIgnored: number }> = {};
    const metric = (name: string) => {
      byMetric[name] ??= { recorded: 0, backfill: 0, duplicatesIgnored: 0 };
      return byMetric[name];
    };
    for (const e of events) {
      const m = metric(e.metricName);
      m.recorded++;
      if (e.backfill) m.backfill++;
    }
    for (const d of ctx.data.duplicates) metric(d.metricName).duplicatesIgnored++;
    res.json({
      profiles: Object.keys(ctx.data.profiles).length,
      events: {
        recorded: events.length,
        duplicatesIgnored: ctx.data.duplicates.length,
        backfill: events.filter((e) => e.backfill).length,
        flowsTriggered: events.filter((e) => e.flowsTriggered).length,
        byMetric,
      },
      consent: {
        records: ctx.data.consent.length,
        granted: ctx.data.consent.filter((c) => c.consent === 'SUBSCRIBED').length,
        withdrawn: ctx.data.consent.filter((c) => c.consent === 'UNSUBSCRIBED').length,
      },
      deletions: ctx.data.deletions.length,
      calls: ctx.calls.summary(),
      revisions: ctx.revisions,
      rateLimits: ctx.limits.settings(),
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

  const limit = z.strictObject({ burst: z.number().int().positive(), steady: z.number().int().positive() });
  const limitsBody = z.strictObject({
    enabled: z.boolean().optional(),
    /** Every operation at one of Klaviyo's tiers; null: each operation's own limits again. */
    tier: z
      .enum(Object.keys(KLAVIYO_TIERS) as [KlaviyoTier, ...KlaviyoTier[]])
      .nullable()
      .optional(),
    /** Per operation (Klaviyo's operation ids, e.g. create_event); replaces the previous overrides. */
    overrides: z.partialRecord(z.enum(Object.keys(KLAVIYO_OPERATION_LIMITS) as [string, ...string[]]), limit).optional(),
  });
  router.get('/rate-limits', (_req, res) => {
    res.json(ctx.limits.settings());
  });
  router.put('/rate-limits', (req, res) => {
    const parsed = limitsBody.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    ctx.limits.configure(parsed.data as { enabled?: boolean; tier?: KlaviyoTier | null; overrides?: Record<string, { burst: number; steady: number }> });
    res.json(ctx.limits.settings());
  });

  mountFaultControls(router, ctx.faults);

  return router;
}
