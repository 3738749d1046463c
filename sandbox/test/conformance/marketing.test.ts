import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMarketingSandbox, DEFAULT_KLAVIYO_API_KEY } from '../../marketing/app';
import { KLAVIYO_OPERATION_LIMITS } from '../../marketing/rate-limit';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import type { Json } from '../support/json';
import { KLAVIYO_SPEC_DIR, klaviyoSpecAvailable, klaviyoValidator, recordVendorConformance, VendorConformanceClient } from './vendor-harness';

/**
 * The marketing sandbox against Klaviyo's own specs (../shared/connectors/openapi/klaviyo, events
 * and profiles, revision 2026-07-15; the deletion job against marketing/spec/, hand-written) and
 * the behaviour FACTS.md section 8 describes: every answer and every body sent is schema-checked
 * by the harness; the tests assert what the schemas cannot say (unique_id de-duplication,
 * backfill, consent as consent, erasure, the per-operation limits and their headers).
 */
const IN_SCOPE = [
  'POST /api/profile-import',
  'GET /api/profiles',
  'POST /api/profiles',
  'GET /api/profiles/{id}',
  'PATCH /api/profiles/{id}',
  'POST /api/events',
  'POST /api/profile-subscription-bulk-create-jobs',
  'POST /api/profile-subscription-bulk-delete-jobs',
  'POST /api/data-privacy-deletion-jobs',
] as const;

const REVISION = '2026-07-15';
const JSON_API = 'application/vnd.api+json';
const validator = klaviyoSpecAvailable() ? klaviyoValidator() : undefined;
const clients: VendorConformanceClient[] = [];
const merged = new VendorConformanceClient('', undefined, {}, JSON_API);
recordVendorConformance(
  'Klaviyo (marketing sandbox)',
  klaviyoSpecAvailable(),
  KLAVIYO_SPEC_DIR,
  () => {
    for (const c of clients) {
      merged.results.push(...c.results);
      merged.requests.push(...c.requests);
    }
    return merged;
  },
  IN_SCOPE,
);

const newClient = (baseUrl: string, key = DEFAULT_KLAVIYO_API_KEY): VendorConformanceClient => {
  const c = new VendorConformanceClient(baseUrl, validator, { authorization: `Klaviyo-API-Key ${key}`, revision: REVISION }, JSON_API);
  clients.push(c);
  return c;
};

let s: RunningSandboxes;
let api: VendorConformanceClient;

beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, crmPort: 0, marketingPort: 0, marketing: { rateLimit: false } });
  api = newClient(s.marketingUrl);
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await control('POST', '/reset');
});

async function control(method: string, p: string, body?: unknown, base = s.marketingUrl): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/__sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const importBody = (attributes: Record<string, unknown>, id?: string) => ({ data: { type: 'profile', ...(id ? { id } : {}), attributes } });

function eventBody(opts: {
  email: string;
  metric: string;
  uniqueId?: string;
  time?: string;
  value?: number;
  properties?: Record<string, unknown>;
  backfill?: boolean;
  externalId?: string;
}) {
  return {
    data: {
      type: 'event',
      attributes: {
        properties: opts.properties ?? {},
        ...(opts.time ? { time: opts.time } : {}),
        ...(opts.value !== undefined ? { value: opts.value, value_currency: 'USD' } : {}),
        ...(opts.uniqueId ? { unique_id: opts.uniqueId } : {}),
        ...(opts.backfill !== undefined ? { backfill: opts.backfill } : {}),
        metric: { data: { type: 'metric', attributes: { name: opts.metric } } },
        profile: { data: { type: 'profile', attributes: { email: opts.email, ...(opts.externalId ? { external_id: opts.externalId } : {}) } } },
      },
    },
  };
}

const subscribeBody = (profiles: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  data: { type: 'profile-subscription-bulk-create-job', attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) }, ...extra } },
});
const unsubscribeBody = (profiles: Array<Record<string, unknown>>) => ({
  data: { type: 'profile-subscription-bulk-delete-job', attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } } },
});
const deletionBody = (data: Record<string, unknown>) => ({ data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', ...data } } } } });

async function lookup(query: string): Promise<Json> {
  return (await control('GET', `/profiles/lookup?${query}`)).body;
}

describe('authentication, revision and media type', () => {
  it('refuses a missing or unknown key with 401 in Klaviyo’s error envelope', async () => {
    const none = await api.call('GET', '/api/profiles', undefined, { headers: { authorization: null } });
    expect(none.status).toBe(401);
    expect(none.body.errors[0]).toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(typeof none.body.errors[0].id).toBe('string');
    const bearer = await api.call('GET', '/api/profiles', undefined, { headers: { authorization: `Bearer ${DEFAULT_KLAVIYO_API_KEY}` } });
    expect(bearer.status).toBe(401);
    const wrong = await api.call('GET', '/api/profiles', undefined, { headers: { authorization: 'Klaviyo-API-Key pk_wrong' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0].code).toBe('authentication_failed');
    expect((await api.call('GET', '/api/profiles')).status).toBe(200);
  });

  it('requires the revision header (400 naming the parameter) and counts the revisions sent', async () => {
    const missing = await api.call('GET', '/api/profiles', undefined, { headers: { revision: null } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].source).toEqual({ parameter: 'revision' });
    const malformed = await api.call('GET', '/api/profiles', undefined, { headers: { revision: 'latest' } });
    expect(malformed.status).toBe(400);
    await api.call('GET', '/api/profiles');
    expect((await control('GET', '/summary')).body.revisions).toEqual({ [REVISION]: 1 });
  });

  it('answers JSON:API’s media type and refuses a body of another type with 415', async () => {
    const ok = await api.call('GET', '/api/profiles');
    expect(ok.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
    const form = await api.call('POST', '/api/profile-import', 'email=a@example.com', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, checkBody: false });
    expect(form.status).toBe(415);
    // application/json is taken too, as Klaviyo does.
    const plain = await api.call('POST', '/api/profile-import', importBody({ email: 'json@example.com' }), { headers: { 'content-type': 'application/json' } });
    expect(plain.status).toBe(201);
  });
});

describe('profiles', () => {
  it('profile-import creates (201), then updates (200) by email: a null clears, an absent field stays', async () => {
    const created = await api.call(
      'POST',
      '/api/profile-import',
      importBody({ email: 'Ada@Example.com', first_name: 'Ada', last_name: 'Lovelace', properties: { customer_group: 'Retail', ltv: 10 } }),
    );
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    expect(created.body.data.attributes).toMatchObject({ email: 'Ada@Example.com', first_name: 'Ada', properties: { customer_group: 'Retail', ltv: 10 } });
    expect(created.body.data.links.self).toBe(`${s.marketingUrl}/api/profiles/${id}/`);

    const updated = await api.call('POST', '/api/profile-import', importBody({ email: 'ada@example.com', external_id: 'bc-1', last_name: null, properties: { ltv: 25 } }));
    expect(updated.status).toBe(200);
    expect(updated.body.data.id).toBe(id);
    expect(updated.body.data.attributes).toMatchObject({ first_name: 'Ada', last_name: null, external_id: 'bc-1', properties: { customer_group: 'Retail', ltv: 25 } });

    // By id, and by external id alone.
    expect((await api.call('POST', '/api/profile-import', importBody({ organization: 'Analytical Engines' }, id))).status).toBe(200);
    const byExternal = await api.call('POST', '/api/profile-import', importBody({ external_id: 'bc-1', title: 'Countess' }));
    expect(byExternal.status).toBe(200);
    expect(byExternal.body.data.attributes).toMatchObject({ organization: 'Analytical Engines', title: 'Countess' });
    expect(Object.keys((await control('GET', '/records')).body.profiles)).toHaveLength(1);
  });

  it('refuses identifiers of two profiles (409 duplicate_profile), bad emails and phone numbers, and unknown attributes', async () => {
    const a = await api.call('POST', '/api/profile-import', importBody({ email: 'a@example.com' }));
    await api.call('POST', '/api/profile-import', importBody({ email: 'b@example.com', external_id: 'bc-b' }));
    const both = await api.call('POST', '/api/profile-import', importBody({ email: 'a@example.com', external_id: 'bc-b' }));
    expect(both.status).toBe(409);
    expect(both.body.errors[0].code).toBe('duplicate_profile');
    expect(typeof both.body.errors[0].meta.duplicate_profile_id).toBe('string');
    const badEmail = await api.call('POST', '/api/profile-import', importBody({ email: 'not-an-email' }));
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors[0].source.pointer).toBe('/data/attributes/email');
    const badPhone = await api.call('POST', '/api/profile-import', importBody({ email: 'c@example.com', phone_number: '555-0100' }));
    expect(badPhone.status).toBe(400);
    // Consent cannot ride along with a profile import.
    const sneaky = await api.call('POST', '/api/profile-import', importBody({ email: 'd@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }), {
      checkBody: false,
    });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.errors[0].detail).toMatch(/'subscriptions' is not a valid field/);
    expect((await api.call('POST', '/api/profile-import', importBody({ first_name: 'Nobody' }))).status).toBe(400);
    expect((await api.call('POST', '/api/profile-import', importBody({ first_name: 'Ghost' }, '01KSBX00000000000000009999'))).status).toBe(404);
    expect((await api.call('GET', `/api/profiles/${a.body.data.id}`)).body.data.attributes.email).toBe('a@example.com');
    expect((await control('GET', '/summary')).body.profiles).toBe(2);
  });

  it('creates with POST /api/profiles (409 when an identifier is taken), reads and patches by id', async () => {
    const created = await api.call('POST', '/api/profiles', importBody({ email: 'grace@example.com', first_name: 'Grace' }));
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const again = await api.call('POST', '/api/profiles', importBody({ email: 'GRACE@example.com' }));
    expect(again.status).toBe(409);
    expect(again.body.errors[0].meta.duplicate_profile_id).toBe(id);

    const read = await api.call('GET', `/api/profiles/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.data.attributes.first_name).toBe('Grace');
    expect((await api.call('GET', '/api/profiles/01KSBX00000000000000009999')).status).toBe(404);

    const patched = await api.call('PATCH', `/api/profiles/${id}`, {
      data: { type: 'profile', id, attributes: { last_name: 'Hopper', properties: { tags: ['navy'] } }, meta: { patch_properties: { append: { tags: 'cobol' } } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data.attributes).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', properties: { tags: ['navy', 'cobol'] } });
    const mismatch = await api.call('PATCH', `/api/profiles/${id}`, { data: { type: 'profile', id: 'other', attributes: {} } });
    expect(mismatch.status).toBe(400);
    expect((await api.call('PATCH', '/api/profiles/01KSBX00000000000000009999', { data: { type: 'profile', id: '01KSBX00000000000000009999', attributes: {} } })).status).toBe(404);
  });

  it('lists with filters (equals, any, dates), sorts and cursor pages with absolute links', async () => {
    for (let i = 1; i <= 5; i++) await api.call('POST', '/api/profile-import', importBody({ email: `p${i}@example.com`, external_id: `bc-${i}` }));
    const one = await api.call('GET', `/api/profiles?filter=${encodeURIComponent("equals(email,'P3@example.com')")}`);
    expect(one.body.data.map((p: Json) => p.attributes.external_id)).toEqual(['bc-3']);
    const some = await api.call('GET', `/api/profiles?filter=${encodeURIComponent("any(external_id,['bc-1','bc-4','bc-9'])")}&sort=-id`);
    expect(some.body.data.map((p: Json) => p.attributes.external_id)).toEqual(['bc-4', 'bc-1']);
    const later = await api.call('GET', `/api/profiles?filter=${encodeURIComponent('greater-than(created,2000-01-01T00:00:00Z),equals(external_id,"bc-2")')}`);
    expect(later.body.data).toHaveLength(1);
    const bad = await api.call('GET', `/api/profiles?filter=${encodeURIComponent("contains(first_name,'x')")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].source).toEqual({ parameter: 'filter' });
    expect((await api.call('GET', '/api/profiles?page[size]=101')).status).toBe(400);

    const seen: string[] = [];
    let next: string | undefined = '/api/profiles?page[size]=2';
    let pages = 0;
    while (next) {
      const page = await api.call('GET', next);
      seen.push(...page.body.data.map((p: Json) => p.attributes.external_id));
      expect(page.body.links.self).toMatch(/^http:\/\//);
      next = page.body.links.next ? new URL(page.body.links.next).pathname + new URL(page.body.links.next).search : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['bc-1', 'bc-2', 'bc-3', 'bc-4', 'bc-5']);
  });

  it('never subscribes a profile implicitly: imported and evented profiles are NEVER_SUBSCRIBED', async () => {
    await api.call('POST', '/api/profile-import', importBody({ email: 'quiet@example.com', phone_number: '+15005550006' }));
    await api.call('POST', '/api/events', eventBody({ email: 'quiet@example.com', metric: 'Placed Order', uniqueId: 'o-1' }));
    const list = await api.call('GET', `/api/profiles?filter=${encodeURIComponent("equals(email,'quiet@example.com')")}&additional-fields[profile]=subscriptions`);
    const subs = list.body.data[0].attributes.subscriptions;
    expect(subs.email.marketing).toMatchObject({ consent: 'NEVER_SUBSCRIBED', can_receive_email_marketing: false });
    expect(subs.sms.marketing).toMatchObject({ consent: 'NEVER_SUBSCRIBED', can_receive_sms_marketing: false });
    expect((await control('GET', '/records')).body.consent).toEqual([]);
  });
});

describe('events', () => {
  it('answers 202 and records an event once per unique_id, profile and metric, whatever the order of arrival', async () => {
    const first = {
      email: 'buyer@example.com',
      metric: 'Placed Order',
      uniqueId: 'order-100',
      time: '2024-07-01T15:30:00+00:00',
      value: 120.5,
      properties: { OrderId: 100, copy: 'first' },
    };
    const r1 = await api.call('POST', '/api/events', eventBody(first));
    expect(r1.status).toBe(202);
    expect(r1.body).toBeUndefined();
    // A later order arrives, then the first one again (a redelivery, out of order, with other contents).
    await api.call('POST', '/api/events', eventBody({ ...first, uniqueId: 'order-101', time: '2024-07-02T10:00:00+00:00', properties: { OrderId: 101 } }));
    const again = await api.call('POST', '/api/events', eventBody({ ...first, time: '2024-07-03T00:00:00+00:00', properties: { OrderId: 100, copy: 'second' } }));
    expect(again.status).toBe(202);
    // The same unique_id under another metric, or for another profile, is another event.
    await api.call('POST', '/api/events', eventBody({ ...first, metric: 'Ordered Product' }));
    await api.call('POST', '/api/events', eventBody({ ...first, email: 'other@example.com' }));

    const found = await lookup('email=buyer@example.com');
    const placed = found.events.filter((e: Json) => e.metricName === 'Placed Order');
    expect(placed.map((e: Json) => e.uniqueId).sort()).toEqual(['order-100', 'order-101']);
    const kept = placed.find((e: Json) => e.uniqueId === 'order-100');
    expect(kept).toMatchObject({ properties: { copy: 'first' }, time: '2024-07-01T15:30:00.000Z', value: 120.5, valueCurrency: 'USD', backfill: false, flowsTriggered: true });
    expect(found.duplicates).toEqual([expect.objectContaining({ uniqueId: 'order-100', metricName: 'Placed Order', keptEventId: kept.id })]);
    expect(found.profile.lastEventDate).toBe('2024-07-02T10:00:00.000Z');
    const summary = (await control('GET', '/summary')).body;
    expect(summary.events).toMatchObject({ recorded: 4, duplicatesIgnored: 1 });
    expect(summary.events.byMetric['Placed Order']).toEqual({ recorded: 3, backfill: 0, duplicatesIgnored: 1 });
  });

  it('without unique_id, de-duplicates by the time to the second (Klaviyo’s default)', async () => {
    await api.call('POST', '/api/events', eventBody({ email: 'tick@example.com', metric: 'Viewed Product', time: '2024-07-01T15:30:00.100+00:00' }));
    await api.call('POST', '/api/events', eventBody({ email: 'tick@example.com', metric: 'Viewed Product', time: '2024-07-01T15:30:00.900+00:00' }));
    await api.call('POST', '/api/events', eventBody({ email: 'tick@example.com', metric: 'Viewed Product', time: '2024-07-01T15:30:01.000+00:00' }));
    expect((await lookup('email=tick@example.com')).events.map((e: Json) => e.uniqueId)).toEqual(['2024-07-01T15:30:00.000Z', '2024-07-01T15:30:01.000Z']);
  });

  it('records a backfill without triggering flows, and makes or updates the event’s profile', async () => {
    await api.call(
      'POST',
      '/api/events',
      eventBody({ email: 'history@example.com', externalId: 'bc-77', metric: 'Placed Order', uniqueId: 'old-1', time: '2023-01-01T00:00:00+00:00', backfill: true }),
    );
    await api.call('POST', '/api/events', eventBody({ email: 'history@example.com', metric: 'Placed Order', uniqueId: 'new-1' }));
    const found = await lookup('external_id=bc-77');
    expect(found.profile.fields.email).toBe('history@example.com');
    expect(found.events.map((e: Json) => [e.uniqueId, e.backfill, e.flowsTriggered])).toEqual([
      ['old-1', true, false],
      ['new-1', false, true],
    ]);
    expect((await control('GET', '/summary')).body.events).toMatchObject({ backfill: 1, flowsTriggered: 1 });
  });

  it('refuses an event without a profile identifier, a metric name, or with a time out of range', async () => {
    const noId = eventBody({ email: 'x@example.com', metric: 'Placed Order' });
    noId.data.attributes.profile.data.attributes = {} as { email: string };
    expect((await api.call('POST', '/api/events', noId)).status).toBe(400);
    const noMetric = eventBody({ email: 'x@example.com', metric: '' });
    expect((await api.call('POST', '/api/events', noMetric)).status).toBe(400);
    expect((await api.call('POST', '/api/events', eventBody({ email: 'x@example.com', metric: 'M', time: '1980-01-01T00:00:00+00:00' }))).status).toBe(400);
    expect((await control('GET', '/summary')).body.events.recorded).toBe(0);
  });
});

describe('consent', () => {
  it('records consent granted per channel with its source, and shows it on the profile', async () => {
    await api.call('POST', '/api/profile-import', importBody({ email: 'opt@example.com' }));
    const job = await api.call(
      'POST',
      '/api/profile-subscription-bulk-create-jobs',
      subscribeBody(
        [
          {
            email: 'opt@example.com',
            phone_number: '+15005550006',
            subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } }, sms: { marketing: { consent: 'SUBSCRIBED' } } },
          },
        ],
        {
          custom_source: 'BigCommerce checkout newsletter box',
        },
      ),
    );
    expect(job.status).toBe(202);
    const found = await lookup('email=opt@example.com');
    expect(found.consent.map((c: Json) => [c.channel, c.consent, c.source, c.historicalImport])).toEqual([
      ['email.marketing', 'SUBSCRIBED', 'BigCommerce checkout newsletter box', false],
      ['sms.marketing', 'SUBSCRIBED', 'BigCommerce checkout newsletter box', false],
    ]);
    const profile = await api.call('GET', `/api/profiles/${found.profile.id}?additional-fields[profile]=subscriptions`);
    expect(profile.body.data.attributes.subscriptions.email.marketing).toMatchObject({
      consent: 'SUBSCRIBED',
      can_receive_email_marketing: true,
      custom_method_detail: 'BigCommerce checkout newsletter box',
    });
    expect(profile.body.data.attributes.phone_number).toBe('+15005550006');
  });

  it('takes historical consent only with consented_at, and consented_at only in a historical import', async () => {
    const email = { email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2022-05-01T10:00:00+00:00' } } };
    expect((await api.call('POST', '/api/profile-subscription-bulk-create-jobs', subscribeBody([{ email: 'h@example.com', subscriptions: email }]))).status).toBe(400);
    const noDate = subscribeBody([{ email: 'h@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }], { historical_import: true });
    expect((await api.call('POST', '/api/profile-subscription-bulk-create-jobs', noDate)).status).toBe(400);
    const ok = await api.call('POST', '/api/profile-subscription-bulk-create-jobs', subscribeBody([{ email: 'h@example.com', subscriptions: email }], { historical_import: true }));
    expect(ok.status).toBe(202);
    expect((await lookup('email=h@example.com')).consent[0]).toMatchObject({ consentedAt: '2022-05-01T10:00:00+00:00', historicalImport: true });
    // A refused job wrote nothing.
    expect((await control('GET', '/records')).body.consent).toHaveLength(1);
  });

  it('records a withdrawal as UNSUBSCRIBED consent, and the profile can no longer receive marketing', async () => {
    await api.call(
      'POST',
      '/api/profile-subscription-bulk-create-jobs',
      subscribeBody([{ email: 'leave@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }]),
    );
    const withdrawn = await api.call(
      'POST',
      '/api/profile-subscription-bulk-delete-jobs',
      unsubscribeBody([{ email: 'leave@example.com', subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } }]),
    );
    expect(withdrawn.status).toBe(202);
    const found = await lookup('email=leave@example.com');
    expect(found.consent.map((c: Json) => c.consent)).toEqual(['SUBSCRIBED', 'UNSUBSCRIBED']);
    expect(found.profile.subscriptions['email.marketing'].consent).toBe('UNSUBSCRIBED');
    const read = await api.call('GET', `/api/profiles/${found.profile.id}?additional-fields[profile]=subscriptions`);
    expect(read.body.data.attributes.subscriptions.email.marketing).toMatchObject({ consent: 'UNSUBSCRIBED', can_receive_email_marketing: false });
    expect((await control('GET', '/summary')).body.consent).toEqual({ records: 2, granted: 1, withdrawn: 1 });
    const tooMany = unsubscribeBody(Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.com`, subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } })));
    expect((await api.call('POST', '/api/profile-subscription-bulk-delete-jobs', tooMany)).status).toBe(400);
  });
});

describe('erasure', () => {
  it('erases every profile matching the one identifier given, with its events and consent, and records the deletion', async () => {
    await api.call('POST', '/api/profile-import', importBody({ email: 'forget@example.com', external_id: 'bc-9' }));
    await api.call('POST', '/api/events', eventBody({ email: 'forget@example.com', metric: 'Placed Order', uniqueId: 'o-9' }));
    await api.call(
      'POST',
      '/api/profile-subscription-bulk-create-jobs',
      subscribeBody([{ email: 'forget@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }]),
    );
    await api.call('POST', '/api/profile-import', importBody({ email: 'keep@example.com' }));
    const id = (await lookup('email=forget@example.com')).profile.id;

    expect((await api.call('POST', '/api/data-privacy-deletion-jobs', deletionBody({ attributes: { email: 'forget@example.com', phone_number: '+15005550006' } }))).status).toBe(
      400,
    );
    expect((await api.call('POST', '/api/data-privacy-deletion-jobs', deletionBody({}))).status).toBe(400);
    const erased = await api.call('POST', '/api/data-privacy-deletion-jobs', deletionBody({ attributes: { email: 'forget@example.com' } }));
    expect(erased.status).toBe(202);

    expect((await api.call('GET', `/api/profiles/${id}`)).status).toBe(404);
    expect((await api.call('GET', `/api/profiles?filter=${encodeURIComponent("equals(email,'forget@example.com')")}`)).body.data).toEqual([]);
    const records = (await control('GET', '/records')).body;
    expect(records.events).toEqual([]);
    expect(records.consent).toEqual([]);
    expect(records.profiles.map((p: Json) => p.fields.email)).toEqual(['keep@example.com']);
    expect(records.deletions).toEqual([expect.objectContaining({ identifier: { email: 'forget@example.com' }, profileIds: [id], eventsDeleted: 1, consentRecordsDeleted: 1 })]);
    // By id too; an identifier nothing matches is accepted and recorded with no profile.
    const keep = (await lookup('email=keep@example.com')).profile.id;
    expect((await api.call('POST', '/api/data-privacy-deletion-jobs', deletionBody({ id: keep }))).status).toBe(202);
    expect((await api.call('POST', '/api/data-privacy-deletion-jobs', deletionBody({ attributes: { phone_number: '+15005550009' } }))).status).toBe(202);
    expect((await control('GET', '/records')).body.deletions.map((d: Json) => d.profileIds.length)).toEqual([1, 1, 0]);
    expect((await control('GET', '/summary')).body.profiles).toBe(0);
  });
});

describe('rate limits', () => {
  let clock = Date.UTC(2024, 6, 1, 12, 0, 0);
  let server: Server;
  let limited: VendorConformanceClient;
  let base: string;

  beforeAll(async () => {
    const sandbox = createMarketingSandbox({ now: () => clock, rateLimitOverrides: { create_event: { burst: 2, steady: 3 } } });
    server = sandbox.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    limited = newClient(base);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('limits each operation by its burst (1 s) and steady (1 min) windows, with RateLimit-* headers and Retry-After', async () => {
    const ev = (n: number) => eventBody({ email: 'rl@example.com', metric: 'Placed Order', uniqueId: `rl-${n}` });
    const first = await limited.call('POST', '/api/events', ev(1));
    expect(first.status).toBe(202);
    expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining'), first.headers.get('ratelimit-reset')]).toEqual(['3', '2', '60']);
    expect((await limited.call('POST', '/api/events', ev(2))).headers.get('ratelimit-remaining')).toBe('1');
    // The burst of 2 is spent within the second.
    const burst = await limited.call('POST', '/api/events', ev(3));
    expect(burst.status).toBe(429);
    expect(burst.headers.get('retry-after')).toBe('1');
    expect(burst.headers.get('ratelimit-remaining')).toBeNull();
    expect(burst.body.errors[0]).toMatchObject({ status: 429, code: 'throttled' });
    // Another operation has its own windows.
    expect((await limited.call('GET', '/api/profiles')).status).toBe(200);
    clock += 1_000;
    expect((await limited.call('POST', '/api/events', ev(3))).status).toBe(202);
    clock += 1_000;
    // The steady window of 3 is spent for the rest of the minute.
    const steady = await limited.call('POST', '/api/events', ev(4));
    expect(steady.status).toBe(429);
    expect(steady.headers.get('retry-after')).toBe('58');
    clock += 58_000;
    const after = await limited.call('POST', '/api/events', ev(4));
    expect(after.status).toBe(202);
    expect(after.headers.get('ratelimit-remaining')).toBe('2');

    const summary = (await control('GET', '/summary', undefined, base)).body;
    expect(summary.calls.operations.create_event).toMatchObject({ calls: 6, succeeded: 4, limited: 2 });
    expect(summary.calls.operations.get_profiles).toMatchObject({ calls: 1, limited: 0 });
    expect(summary.events.recorded).toBe(4);
  });

  it('takes a tier for every operation and per-operation overrides through the control', async () => {
    const set = await control('PUT', '/rate-limits', { tier: 'XS', overrides: {} }, base);
    expect(set.body.effective.get_profiles).toEqual({ burst: 1, steady: 15 });
    expect((await limited.call('GET', '/api/profiles')).status).toBe(200);
    expect((await limited.call('GET', '/api/profiles')).status).toBe(429);
    expect((await control('PUT', '/rate-limits', { tier: null, overrides: { get_profiles: { burst: 5, steady: 5 } } }, base)).body.effective).toMatchObject({
      get_profiles: { burst: 5, steady: 5 },
      create_event: { burst: 350, steady: 3500 },
    });
    expect((await limited.call('GET', '/api/profiles')).headers.get('ratelimit-limit')).toBe('5');
    expect((await control('PUT', '/rate-limits', { overrides: { no_such_operation: { burst: 1, steady: 1 } } }, base)).status).toBe(400);
  });

  it.skipIf(!klaviyoSpecAvailable())('uses the limits each operation’s x-klaviyo-ratelimit declares', () => {
    const declared: Record<string, { burst: number; steady: number }> = {};
    for (const file of ['events.json', 'profiles.json']) {
      const spec = JSON.parse(readFileSync(path.join(KLAVIYO_SPEC_DIR, file), 'utf8')) as { paths: Record<string, Record<string, Json>> };
      for (const item of Object.values(spec.paths)) {
        for (const op of Object.values(item)) {
          const rl = op?.['x-klaviyo-ratelimit'];
          if (rl) declared[op.operationId] = { burst: Number.parseInt(rl.burst, 10), steady: Number.parseInt(rl.steady, 10) };
        }
      }
    }
    for (const [operation, limit] of Object.entries(KLAVIYO_OPERATION_LIMITS)) {
      if (operation === 'request_profile_deletion') continue; // not in the kept slices: from its reference page
      expect(declared[operation], operation).toEqual(limit);
    }
  });
});

describe('controls', () => {
  it('logs requests per operation, clears the log, and resets the records', async () => {
    const since = Date.now();
    await api.call('POST', '/api/profile-import', importBody({ email: 'log@example.com' }));
    // Not through the harness: the path is in no spec on purpose.
    const unknown = await fetch(`${s.marketingUrl}/api/nothing-here`, { headers: { authorization: `Klaviyo-API-Key ${DEFAULT_KLAVIYO_API_KEY}`, revision: REVISION } });
    expect(unknown.status).toBe(404);
    const log = (await control('GET', `/requests?since_ms=${since}`)).body.requests;
    expect(log.map((r: Json) => [r.method, r.path, r.operation, r.status])).toEqual([
      ['POST', '/api/profile-import', 'create_or_update_profile', 201],
      ['GET', '/api/nothing-here', null, 404],
    ]);
    expect((await control('GET', '/requests?operation=create_or_update_profile')).body.requests).toHaveLength(1);
    expect((await control('DELETE', '/requests')).status).toBe(204);
    expect((await control('GET', '/requests')).body.requests).toEqual([]);
    await control('POST', '/reset');
    expect((await control('GET', '/summary')).body).toMatchObject({ profiles: 0, events: { recorded: 0 }, consent: { records: 0 }, deletions: 0 });
    expect((await control('GET', '/profiles/lookup?email=log@example.com')).status).toBe(404);
  });

  it('answers a fault set on a path', async () => {
    await control('POST', '/faults', {
      method: 'POST',
      path: '^/api/events$',
      status: 503,
      times: 1,
      body: { errors: [{ id: 'f', code: 'error', title: 'Down', detail: 'Down' }] },
    });
    const failed = await api.call('POST', '/api/events', eventBody({ email: 'f@example.com', metric: 'M', uniqueId: 'f-1' }));
    expect(failed.status).toBe(503);
    expect((await api.call('POST', '/api/events', eventBody({ email: 'f@example.com', metric: 'M', uniqueId: 'f-1' }))).status).toBe(202);
  });
});

describe('persistence', () => {
  it('keeps profiles, events and their de-duplication in marketing.json across restarts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-marketing-'));
    try {
      const first = await startSandboxes({ bcPort: 0, erpPort: 0, stateDir: dir, marketing: { rateLimit: false } });
      const c1 = newClient(first.marketingUrl);
      await c1.call('POST', '/api/events', eventBody({ email: 'kept@example.com', metric: 'Placed Order', uniqueId: 'p-1' }));
      await first.close();
      const second = await startSandboxes({ bcPort: 0, erpPort: 0, stateDir: dir, marketing: { rateLimit: false } });
      try {
        const c2 = newClient(second.marketingUrl);
        expect((await c2.call('POST', '/api/events', eventBody({ email: 'kept@example.com', metric: 'Placed Order', uniqueId: 'p-1' }))).status).toBe(202);
        const summary = (await control('GET', '/summary', undefined, second.marketingUrl)).body;
        expect(summary).toMatchObject({ profiles: 1, events: { recorded: 1, duplicatesIgnored: 1 } });
        expect(second.crmUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
