import express, { type Router } from 'express';
import type { MarketingContext } from './context';
import { bodyErrors, invalid } from './errors';
import { validateIdentifiers } from './profiles';
import { deletionJobBody, subscribeJobBody, unsubscribeJobBody } from './schemas';
import { type ConsentRecord, jobId, type KlProfile } from './state';

const MAX_SUBSCRIBE = 1000;
const MAX_UNSUBSCRIBE = 100;

/** The channels a job names, as "email.marketing", "sms.transactional", ... */
type ChannelConsent = { consent: string; consented_at?: string | null };

function channels(subscriptions: Record<string, Record<string, ChannelConsent | undefined> | undefined>): Array<{ channel: string; consentedAt: string | null }> {
  const out: Array<{ channel: string; consentedAt: string | null }> = [];
  for (const [medium, types] of Object.entries(subscriptions)) {
    for (const [type, value] of Object.entries(types ?? {})) if (value) out.push({ channel: `${medium}.${type}`, consentedAt: value.consented_at ?? null });
  }
  return out;
}

/**
 * Consent and erasure:
 * - POST /api/profile-subscription-bulk-create-jobs: consent granted, per channel, with the job's
 *   `custom_source` as its source (and `consented_at` in a historical import, which requires it);
 *   profiles are found by id, email or phone number and made when new.
 * - POST /api/profile-subscription-bulk-delete-jobs: consent withdrawn, per channel.
 * - POST /api/data-privacy-deletion-jobs: every profile matching the one identifier given is
 *   erased with its events and consent records; the deletion itself is recorded.
 * Each answers 202 with no body; the sandbox carries the job out before answering, and refuses a
 * job whole (400) when any of its profiles is invalid, so none is half applied.
 */
export function consentRouter(ctx: MarketingContext): Router {
  const router = express.Router();

  const resolve = (ids: { id?: string | null; email?: string | null; phone_number?: string | null }, nowIso: string): KlProfile => {
    const byId = ids.id ? ctx.store.get(ids.id) : undefined;
    const profile = byId ?? ctx.store.matches(ids)[0] ?? ctx.store.create(nowIso);
    // A new identifier is written to the profile when no other profile holds it.
    const attrs: { email?: string; phone_number?: string } = {};
    if (ids.email && !profile.fields.email && ctx.store.matches({ email: ids.email }).length === 0) attrs.email = ids.email;
    if (ids.phone_number && !profile.fields.phone_number && ctx.store.matches({ phone_number: ids.phone_number }).length === 0) attrs.phone_number = ids.phone_number;
    if (Object.keys(attrs).length) ctx.store.apply(profile, attrs, undefined, nowIso);
    return profile;
  };

  const record = (r: Omit<ConsentRecord, 'seq'>): void => {
    ctx.data.consent.push({ seq: ctx.data.nextIds.consent++, ...r });
  };

  router.post('/api/profile-subscription-bulk-create-jobs', (req, res) => {
    const parsed = subscribeJobBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const { attributes, relationships } = parsed.data.data;
    const profiles = attributes.profiles.data;
    if (profiles.length === 0 || profiles.length > MAX_SUBSCRIBE)
      throw invalid(`A job takes between 1 and ${MAX_SUBSCRIBE} profiles.`, { pointer: '/data/attributes/profiles/data' });
    const historical = attributes.historical_import === true;
    const nowMs = ctx.now();
    profiles.forEach((p, i) => {
      const pointer = `/data/attributes/profiles/data/${i}/attributes`;
      validateIdentifiers(p.attributes, pointer);
      if (!p.id && !p.attributes.email && !p.attributes.phone_number) throw invalid('A profile needs an id, an email or a phone number.', { pointer });
      const named = channels(p.attributes.subscriptions);
      if (named.length === 0) throw invalid('At least one subscription channel is required.', { pointer: `${pointer}/subscriptions` });
      for (const c of named) {
        if (c.channel.startsWith('email.') && !p.attributes.email && !p.id) throw invalid('Email consent needs the profile email.', { pointer: `${pointer}/email` });
        if (!c.channel.startsWith('email.') && !p.attributes.phone_number && !p.id)
          throw invalid('SMS and WhatsApp consent need the profile phone number.', { pointer: `${pointer}/phone_number` });
        if (c.channel === 'email.open_tracking') continue;
        if (!historical && c.consentedAt) throw invalid('consented_at may only be given when historical_import is true.', { pointer: `${pointer}/subscriptions` });
        if (historical && !c.consentedAt) throw invalid('consented_at is required when historical_import is true.', { pointer: `${pointer}/subscriptions` });
        if (c.consentedAt && Date.parse(c.consentedAt) > nowMs) throw invalid('consented_at must be in the past.', { pointer: `${pointer}/subscriptions` });
      }
    });
    const id = jobId(ctx.data.nextIds.job++);
    const nowIso = ctx.nowIso();
    const listId = relationships?.list?.data?.id ?? null;
    for (const p of profiles) {
      const profile = resolve({ id: p.id, email: p.attributes.email, phone_number: p.attributes.phone_number }, nowIso);
      for (const c of channels(p.attributes.subscriptions)) {
        profile.subscriptions[c.channel] = {
          consent: 'SUBSCRIBED',
          consentTimestamp: c.consentedAt ?? nowIso,
          lastUpdated: nowIso,
          method: 'API',
          customMethodDetail: attributes.custom_source ?? null,
          listId,
        };
        record({
          jobId: id,
          operation: 'bulk_subscribe_profiles',
          profileId: profile.id,
          email: profile.fields.email,
          phoneNumber: profile.fields.phone_number,
          channel: c.channel,
          consent: 'SUBSCRIBED',
          source: attributes.custom_source ?? null,
          consentedAt: c.consentedAt,
          historicalImport: historical,
          listId,
          atMs: nowMs,
        });
      }
      profile.updated = nowIso;
    }
    ctx.changed();
    res.status(202).end();
  });

  router.post('/api/profile-subscription-bulk-delete-jobs', (req, res) => {
    const parsed = unsubscribeJobBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const { attributes, relationships } = parsed.data.data;
    const profiles = attributes.profiles.data;
    if (profiles.length === 0 || profiles.length > MAX_UNSUBSCRIBE)
      throw invalid(`A job takes between 1 and ${MAX_UNSUBSCRIBE} profiles.`, { pointer: '/data/attributes/profiles/data' });
    profiles.forEach((p, i) => {
      const pointer = `/data/attributes/profiles/data/${i}/attributes`;
      validateIdentifiers(p.attributes, pointer);
      if (!p.attributes.email && !p.attributes.phone_number) throw invalid('A profile needs an email or a phone number.', { pointer });
      if (channels(p.attributes.subscriptions).length === 0) throw invalid('At least one subscription channel is required.', { pointer: `${pointer}/subscriptions` });
    });
    const id = jobId(ctx.data.nextIds.job++);
    const nowMs = ctx.now();
    const nowIso = ctx.nowIso();
    const listId = relationships?.list?.data?.id ?? null;
    for (const p of profiles) {
      const profile = resolve({ email: p.attributes.email, phone_number: p.attributes.phone_number }, nowIso);
      for (const c of channels(p.attributes.subscriptions)) {
        const before = profile.subscriptions[c.channel];
        profile.subscriptions[c.channel] = {
          consent: 'UNSUBSCRIBED',
          consentTimestamp: before?.consentTimestamp ?? null,
          lastUpdated: nowIso,
          method: 'API',
          customMethodDetail: null,
          listId,
        };
        record({
          jobId: id,
          operation: 'bulk_unsubscribe_profiles',
          profileId: profile.id,
          email: profile.fields.email,
          phoneNumber: profile.fields.phone_number,
          channel: c.channel,
          consent: 'UNSUBSCRIBED',
          source: null,
          consentedAt: null,
          historicalImport: false,
          listId,
          atMs: nowMs,
        });
      }
      profile.updated = nowIso;
    }
    ctx.changed();
    res.status(202).end();
  });

  router.post('/api/data-privacy-deletion-jobs', (req, res) => {
    const parsed = deletionJobBody.safeParse(req.body);
    if (!parsed.success) throw bodyErrors(parsed.error);
    const data = parsed.data.data.attributes.profile.data;
    const given: Array<['id' | 'email' | 'phone_number', string]> = [];
    if (data.id) given.push(['id', data.id]);
    if (data.attributes?.email) given.push(['email', data.attributes.email]);
    if (data.attributes?.phone_number) given.push(['phone_number', data.attributes.phone_number]);
    if (given.length !== 1) {
      throw invalid(given.length === 0 ? 'One of email, phone_number or id is required.' : 'Only one of email, phone_number or id may be given.', {
        pointer: '/data/attributes/profile/data',
      });
    }
    const [field, value] = given[0]!;
    const matching = field === 'id' ? [ctx.store.get(value)].filter((p): p is KlProfile => p !== undefined) : ctx.store.matches({ [field]: value });
    let eventsDeleted = 0;
    let consentRecordsDeleted = 0;
    for (const p of matching) {
      eventsDeleted += ctx.store.erase(p);
      const before = ctx.data.consent.length;
      ctx.data.consent = ctx.data.consent.filter((c) => c.profileId !== p.id);
      consentRecordsDeleted += before - ctx.data.consent.length;
    }
    ctx.data.deletions.push({
      jobId: jobId(ctx.data.nextIds.job++),
      identifier: { [field]: value },
      profileIds: matching.map((p) => p.id),
      eventsDeleted,
      consentRecordsDeleted,
      atMs: ctx.now(),
    });
    ctx.changed();
    res.status(202).end();
  });

  return router;
}
