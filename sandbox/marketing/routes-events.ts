import express, { type Router } from 'express';
import type { MarketingContext } from './context';
import { bodyErrors, invalid } from './errors';
import { hasIdentifier, validateIdentifiers } from './profiles';
import { createEventBody } from './schemas';
import { eventId, type KlMetric, metricId } from './state';

const MAX_PROPERTIES = 400;
const POINTER = '/data/attributes/profile/data/attributes';

/**
 * POST /api/events: 202 with no body, as Klaviyo answers once it has validated an event. The
 * sandbox processes it at once: the profile is found by its id or identifiers (external id, then
 * email, then phone number) and made when none matches, the event's profile attributes are written
 * to it, the metric is found or made by name, and the event is recorded unless an event with the
 * same `unique_id` is already recorded for that profile and metric ("only the first processed event
 * will be recorded"; without `unique_id`, its time to the second). A duplicate is answered 202 like
 * any other and counted in the records. `backfill: true` records the event without triggering flows.
 */
export function eventsRouter(ctx: MarketingContext): Router {
  const router = express.Router();

  router.post('/api/events', (req, res) => {
    const parsed = createEventBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const a = parsed.data.data.attributes;
    if (Object.keys(a.properties).length > MAX_PROPERTIES) throw invalid(`An event may have at most ${MAX_PROPERTIES} properties.`, { pointer: '/data/attributes/properties' });
    const { attributes: pAttrs, id: pid } = a.profile.data;
    const { meta, ...profileAttrs } = pAttrs;
    if (!pid && !hasIdentifier(profileAttrs)) throw invalid('A profile identifier (id, email, phone_number, external_id or anonymous_id) is required.', { pointer: POINTER });
    validateIdentifiers(profileAttrs, POINTER);
    const nowMs = ctx.now();
    const time = a.time ? Date.parse(a.time) : nowMs;
    if (time < Date.UTC(1990, 0, 1) || time > nowMs + 365 * 86_400_000)
      throw invalid('The time must be after 1990 and at most one year in the future.', { pointer: '/data/attributes/time' });
    const nowIso = ctx.nowIso();

    let profile = pid ? ctx.store.get(pid) : undefined;
    if (pid && !profile) throw invalid(`A profile with id ${pid} was not found.`, { pointer: '/data/attributes/profile/data/id' });
    if (!profile) {
      const found = ctx.store.matches(profileAttrs);
      profile = found[0];
      if (!profile && profileAttrs.anonymous_id) profile = Object.values(ctx.data.profiles).find((p) => p.anonymousId === profileAttrs.anonymous_id);
      profile ??= ctx.store.create(nowIso);
    }
    // Identifiers that belong to another profile are not moved to this one (Klaviyo merges later, if at all).
    const writable = { ...profileAttrs };
    for (const field of ['email', 'phone_number', 'external_id'] as const) {
      const value = writable[field];
      if (value && ctx.store.matches({ [field]: value }).some((p) => p.id !== profile.id)) delete writable[field];
    }
    ctx.store.apply(profile, writable, meta, nowIso, POINTER);

    const name = a.metric.data.attributes.name;
    let metric = Object.values(ctx.data.metrics).find((m) => m.name === name);
    if (!metric) {
      metric = { id: metricId(ctx.data.nextIds.metric++), name, service: a.metric.data.attributes.service ?? null } satisfies KlMetric;
      ctx.data.metrics[metric.id] = metric;
    }
    const timeIso = new Date(Math.floor(time / 1000) * 1000).toISOString();
    const uniqueId = a.unique_id ?? timeIso;
    const kept = ctx.store.recordedEvent(profile.id, metric.id, uniqueId);
    if (kept) {
      ctx.data.duplicates.push({ uniqueId, profileId: profile.id, metricName: name, keptEventId: kept, atMs: nowMs });
    } else {
      const backfill = a.backfill === true;
      ctx.store.addEvent({
        id: eventId(ctx.data.nextIds.event++),
        metricId: metric.id,
        metricName: name,
        profileId: profile.id,
        uniqueId,
        time: timeIso,
        value: a.value ?? null,
        valueCurrency: a.value_currency ?? null,
        properties: a.properties,
        backfill,
        flowsTriggered: !backfill,
        receivedMs: nowMs,
      });
      if (!profile.lastEventDate || profile.lastEventDate < timeIso) profile.lastEventDate = timeIso;
    }
    ctx.changed();
    res.status(202).end();
  });

  return router;
}
