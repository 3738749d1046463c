import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCrmSandbox, DEFAULT_CRM_TOKEN } from '../../crm/app';
import { signatureV3 } from '../../crm/webhooks';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { eventually } from '../support/eventually';
import type { Json } from '../support/json';
import { startReceiver } from '../support/receiver';
import { HUBSPOT_CRM_SPEC, hubSpotValidator, recordVendorConformance, VendorConformanceClient } from './vendor-harness';

/**
 * The CRM sandbox against crm/spec/hubspot-crm.openapi.yaml (hand-written: HubSpot's specs are
 * proprietary) and the behaviour FACTS.md section 7 describes: every answer and every body sent is
 * schema-checked by the harness; the tests assert what the schemas cannot say (upsert by unique
 * property, 207 partial failures, property history, the rolling and daily limits with their
 * headers and 429 bodies, associations, GDPR delete, signed webhooks of changes).
 */
const IN_SCOPE = [
  'POST /crm/v3/objects/{objectType}',
  'POST /crm/v3/objects/{objectType}/batch/upsert',
  'POST /crm/v3/objects/{objectType}/batch/read',
  'POST /crm/v3/objects/contacts/gdpr-delete',
  'GET /crm/v3/objects/{objectType}/{objectId}',
  'PATCH /crm/v3/objects/{objectType}/{objectId}',
  'DELETE /crm/v3/objects/{objectType}/{objectId}',
  'PUT /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default',
  'GET /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/{toObjectType}',
  'DELETE /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/{toObjectType}/{toObjectId}',
] as const;

const validator = hubSpotValidator();
const clients: VendorConformanceClient[] = [];
const merged = new VendorConformanceClient('', undefined, {}, 'application/json');
recordVendorConformance(
  'HubSpot CRM (crm sandbox, hand-written schemas)',
  true,
  HUBSPOT_CRM_SPEC,
  () => {
    for (const c of clients) {
      merged.results.push(...c.results);
      merged.requests.push(...c.requests);
    }
    return merged;
  },
  IN_SCOPE,
);

const newClient = (baseUrl: string, token = DEFAULT_CRM_TOKEN): VendorConformanceClient => {
  const c = new VendorConformanceClient(baseUrl, validator, { authorization: `Bearer ${token}` }, 'application/json');
  clients.push(c);
  return c;
};

let s: RunningSandboxes;
let api: VendorConformanceClient;

beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0, omsPort: 0, crmPort: 0, marketingPort: 0, crm: { limits: { enabled: false } } });
  api = newClient(s.crmUrl);
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await control('POST', '/reset');
  await control('PUT', '/webhooks', { targetUrl: null, subscriptions: [], includeIntegrationChanges: true });
});

async function control(method: string, p: string, body?: unknown, base = s.crmUrl): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/__sandbox${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const upsert = (inputs: Array<{ id: string; properties: Record<string, string>; idProperty?: string }>) => ({
  inputs: inputs.map((i) => ({ idProperty: i.idProperty ?? 'email', id: i.id, properties: i.properties })),
});

describe('authentication', () => {
  it('refuses a missing or unknown token with 401 and HubSpot’s error body, without rate headers', async () => {
    const none = await api.call('GET', '/crm/v3/objects/contacts/1', undefined, { headers: { authorization: null } });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(none.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    const wrong = await api.call('GET', '/crm/v3/objects/contacts/1', undefined, { headers: { authorization: 'Bearer pat-na1-wrong' } });
    expect(wrong.status).toBe(401);
    const ok = await api.call('GET', '/crm/v3/objects/contacts/1');
    expect(ok.status).toBe(404);
    expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('190');
  });
});

describe('contacts: batch upsert, read, update, archive', () => {
  it('upserts by email: creates (new: true), then updates (new: false) and leaves no history for an unchanged value', async () => {
    const first = await api.call(
      'POST',
      '/crm/v3/objects/contacts/batch/upsert',
      upsert([
        { id: 'Ada@Example.com', properties: { firstname: 'Ada', phone: '+44 20 0000 0001' } },
        { id: 'grace@example.com', properties: { firstname: 'Grace' } },
      ]),
    );
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('COMPLETE');
    expect(first.body.results.map((r: Json) => [r.properties.email, r.new])).toEqual([
      ['ada@example.com', true],
      ['grace@example.com', true],
    ]);
    const adaId = first.body.results[0].id;
    const second = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'ada@example.com', properties: { firstname: 'Ada', lastname: 'Lovelace' } }]));
    expect(second.status).toBe(200);
    // The answer lists the default properties and those written, as HubSpot's does.
    expect(second.body.results[0]).toMatchObject({ id: adaId, new: false, properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' } });
    expect(second.body.results[0].properties.phone).toBeUndefined();

    const read = await api.call('GET', `/crm/v3/objects/contacts/${adaId}?properties=firstname,lastname,phone&propertiesWithHistory=firstname,lastname`);
    expect(read.body.properties.phone).toBe('+44 20 0000 0001');
    expect(read.body.propertiesWithHistory.firstname).toHaveLength(1);
    expect(read.body.propertiesWithHistory.lastname).toEqual([expect.objectContaining({ value: 'Lovelace', sourceType: 'INTEGRATION' })]);
    const summary = (await control('GET', '/summary')).body;
    expect(summary.writes.created.contacts).toBe(2);
    expect(summary.writes.updated.contacts).toBe(1);
    // The same values again: a write that changes nothing, counted as such.
    await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'ada@example.com', properties: { firstname: 'Ada' } }]));
    expect((await control('GET', '/summary')).body.writes.unchanged.contacts).toBe(1);
    expect((await control(`GET`, `/contacts/${adaId}`)).body.record.writes).toEqual({ api: 3, apiUnchanged: 1, ui: 0 });
  });

  it('answers 207 with numErrors and errors[] for the inputs it refuses, and writes the others', async () => {
    await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'taken@example.com', properties: { bigcommerce_customer_id: '7' } }]));
    const res = await api.call(
      'POST',
      '/crm/v3/objects/contacts/batch/upsert',
      upsert([
        { id: 'good@example.com', properties: { firstname: 'Good' } },
        { id: 'not-an-email', properties: { firstname: 'Bad' } },
        { id: 'odd@example.com', properties: { favourite_colour: 'teal' } },
        { id: 'clash@example.com', properties: { bigcommerce_customer_id: '7' } },
      ]),
    );
    expect(res.status).toBe(207);
    expect(res.body.numErrors).toBe(3);
    expect(res.body.results.map((r: Json) => r.properties.email)).toEqual(['good@example.com']);
    expect(res.body.errors.map((e: Json) => [e.category, e.context.ids[0], e.errors[0].code])).toEqual([
      ['VALIDATION_ERROR', 'not-an-email', 'INVALID_EMAIL'],
      ['VALIDATION_ERROR', 'odd@example.com', 'PROPERTY_DOESNT_EXIST'],
      ['CONFLICT', 'clash@example.com', 'CONFLICT'],
    ]);
    expect((await control('GET', '/summary')).body.contacts.total).toBe(2);
  });

  it('refuses a batch of more than 100, duplicate ids, and an idProperty without unique values (400)', async () => {
    const many = upsert(Array.from({ length: 101 }, (_, i) => ({ id: `c${i}@example.com`, properties: {} })));
    const tooMany = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', many, { checkBody: false });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
    const dup = await api.call(
      'POST',
      '/crm/v3/objects/contacts/batch/upsert',
      upsert([
        { id: 'same@example.com', properties: {} },
        { id: 'SAME@example.com', properties: {} },
      ]),
    );
    expect(dup.status).toBe(400);
    expect(dup.body.message).toMatch(/Duplicate IDs/);
    expect((await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'Ada', idProperty: 'firstname', properties: {} }]))).status).toBe(400);
    expect((await control('GET', '/summary')).body.contacts.total).toBe(0);
  });

  it('upserts by a custom unique property, reads by idProperty and in batches (207 for the missing)', async () => {
    const res = await api.call(
      'POST',
      '/crm/v3/objects/contacts/batch/upsert',
      upsert([{ id: '42', idProperty: 'bigcommerce_customer_id', properties: { email: 'b2b@example.com', bigcommerce_customer_group: 'Wholesale' } }]),
    );
    expect(res.body.results[0].properties).toMatchObject({ bigcommerce_customer_id: '42', email: 'b2b@example.com', bigcommerce_customer_group: 'Wholesale' });
    const byEmail = await api.call('GET', '/crm/v3/objects/contacts/b2b@example.com?idProperty=email&properties=bigcommerce_customer_group');
    expect(byEmail.body.properties).toEqual({
      bigcommerce_customer_group: 'Wholesale',
      createdate: expect.any(String),
      hs_object_id: res.body.results[0].id,
      lastmodifieddate: expect.any(String),
    });
    expect((await api.call('GET', '/crm/v3/objects/contacts/b2b@example.com?idProperty=firstname')).status).toBe(400);
    const batch = await api.call('POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: '42' }, { id: '43' }],
      idProperty: 'bigcommerce_customer_id',
      properties: ['email'],
      propertiesWithHistory: ['bigcommerce_customer_group'],
    });
    expect(batch.status).toBe(207);
    expect(batch.body.results[0].propertiesWithHistory.bigcommerce_customer_group[0].value).toBe('Wholesale');
    expect(batch.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['43'] } });
  });

  it('creates one contact (409 when its email is taken), patches it (400 for unknown or read-only properties) and archives it', async () => {
    const created = await api.call('POST', '/crm/v3/objects/contacts', { properties: { email: 'one@example.com', firstname: 'One' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const taken = await api.call('POST', '/crm/v3/objects/contacts', { properties: { email: 'ONE@example.com' } });
    expect(taken.status).toBe(409);
    expect(taken.body.category).toBe('CONFLICT');
    const patched = await api.call('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { phone: '555-0100', lifecyclestage: 'customer' } });
    expect(patched.status).toBe(200);
    expect(patched.body.properties).toMatchObject({ phone: '555-0100', lifecyclestage: 'customer' });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    const unknown = await api.call('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { shoe_size: '9' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].code).toBe('PROPERTY_DOESNT_EXIST');
    expect((await api.call('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { hs_object_id: '1' } })).status).toBe(400);
    expect((await api.call('PATCH', '/crm/v3/objects/contacts/999', { properties: { phone: '1' } })).status).toBe(404);

    expect((await api.call('DELETE', `/crm/v3/objects/contacts/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/crm/v3/objects/contacts/${id}`)).status).toBe(404);
    const archived = await api.call('GET', `/crm/v3/objects/contacts/${id}?archived=true`);
    expect(archived.body).toMatchObject({ id, archived: true });
    expect(typeof archived.body.archivedAt).toBe('string');
    // An archived contact's email is free again.
    expect((await api.call('POST', '/crm/v3/objects/contacts', { properties: { email: 'one@example.com' } })).status).toBe(201);
  });
});

describe('property history: latest change wins needs each change’s time and source', () => {
  it('records a CRM user’s change with its own timestamp, newest first, beside the API’s', async () => {
    const up = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'h@example.com', properties: { phone: '111' } }]));
    const id = up.body.results[0].id;
    const apiTime = Date.parse(up.body.results[0].updatedAt);
    const later = new Date(apiTime + 60_000).toISOString();
    const earlier = new Date(apiTime - 60_000).toISOString();
    const change = await control('PATCH', `/contacts/${id}`, { properties: { phone: '222', company: 'Acme' }, timestamp: later, userId: 77 });
    expect(change.status).toBe(200);
    expect(change.body.changed).toEqual(['phone', 'company']);
    // A change stamped before the latest one goes below it in the history.
    await control('PATCH', '/contacts/h@example.com?idProperty=email', { properties: { company: 'Old Co' }, timestamp: earlier });
    const read = await api.call('GET', `/crm/v3/objects/contacts/${id}?properties=phone,company&propertiesWithHistory=phone,company`);
    expect(read.body.propertiesWithHistory.phone.map((h: Json) => [h.value, h.sourceType, h.updatedByUserId ?? null])).toEqual([
      ['222', 'CRM_UI', 77],
      ['111', 'INTEGRATION', null],
    ]);
    expect(read.body.propertiesWithHistory.phone[0].timestamp).toBe(later);
    expect(read.body.propertiesWithHistory.company.map((h: Json) => h.value)).toEqual(['Acme', 'Old Co']);
    expect(read.body.updatedAt).toBe(later);
    expect((await control('GET', '/summary')).body.writes.userChanges.contacts).toBe(2);
    expect((await control('PATCH', `/contacts/${id}`, { properties: { nope: 'x' } })).status).toBe(400);
    expect((await control('PATCH', '/contacts/999', { properties: { phone: 'x' } })).status).toBe(404);
  });
});

describe('companies and associations', () => {
  it('upserts companies by their unique key and associates contacts (v4 default), listing, batching and removing', async () => {
    const company = await api.call(
      'POST',
      '/crm/v3/objects/companies/batch/upsert',
      upsert([{ id: 'acme', idProperty: 'bigcommerce_company_key', properties: { name: 'Acme Corp', domain: 'acme.example' } }]),
    );
    expect(company.status).toBe(200);
    const companyId = company.body.results[0].id;
    expect(company.body.results[0].properties).toMatchObject({ name: 'Acme Corp', domain: 'acme.example', hs_lastmodifieddate: expect.any(String) });
    expect((await api.call('POST', '/crm/v3/objects/companies/batch/upsert', upsert([{ id: 'x@example.com', properties: {} }]))).status).toBe(400);
    const contacts = await api.call(
      'POST',
      '/crm/v3/objects/contacts/batch/upsert',
      upsert([
        { id: 'buyer1@acme.example', properties: {} },
        { id: 'buyer2@acme.example', properties: {} },
      ]),
    );
    const [c1, c2] = contacts.body.results.map((r: Json) => r.id);

    const assoc = await api.call('PUT', `/crm/v4/objects/contacts/${c1}/associations/default/companies/${companyId}`);
    expect(assoc.status).toBe(200);
    expect(assoc.body.results.map((r: Json) => r.associationSpec.associationTypeId)).toEqual([279, 280]);
    expect((await api.call('PUT', `/crm/v4/objects/contacts/${c1}/associations/default/companies/${companyId}`)).status).toBe(200);
    expect((await api.call('PUT', `/crm/v4/objects/contacts/${c1}/associations/default/companies/999`)).status).toBe(404);
    const batch = await api.call('POST', '/crm/v4/associations/contacts/companies/batch/associate/default', {
      inputs: [
        { from: { id: c2 }, to: { id: companyId } },
        { from: { id: '999' }, to: { id: companyId } },
      ],
    });
    expect(batch.status).toBe(207);
    expect(batch.body.numErrors).toBe(1);
    const list = await api.call('GET', `/crm/v4/objects/companies/${companyId}/associations/contacts`);
    expect(list.body.results.map((r: Json) => r.toObjectId).sort()).toEqual([Number(c1), Number(c2)].sort());
    const withAssoc = await api.call('GET', `/crm/v3/objects/contacts/${c1}?associations=companies`);
    expect(withAssoc.body.associations.companies.results).toEqual([{ id: companyId, type: 'contact_to_company_unlabeled' }]);
    expect((await control('GET', '/summary')).body.writes.associations).toEqual({ created: 2, existing: 1, removed: 0 });

    expect((await api.call('DELETE', `/crm/v4/objects/contacts/${c1}/associations/companies/${companyId}`)).status).toBe(204);
    expect((await api.call('GET', `/crm/v4/objects/contacts/${c1}/associations/companies`)).body.results).toEqual([]);
    expect((await control('GET', '/records')).body.associations).toEqual([expect.objectContaining({ contactId: c2, companyId })]);
  });
});

describe('GDPR delete', () => {
  it('deletes a contact for good, with its associations, and records the request', async () => {
    const up = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'erase@example.com', properties: { firstname: 'Erase' } }]));
    const id = up.body.results[0].id;
    const co = await api.call('POST', '/crm/v3/objects/companies', { properties: { name: 'Co' } });
    await api.call('PUT', `/crm/v4/objects/contacts/${id}/associations/default/companies/${co.body.id}`);
    const del = await api.call('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: 'erase@example.com', idProperty: 'email' });
    expect(del.status).toBe(204);
    expect((await api.call('GET', `/crm/v3/objects/contacts/${id}`)).status).toBe(404);
    expect((await api.call('GET', `/crm/v3/objects/contacts/${id}?archived=true`)).status).toBe(404);
    const records = (await control('GET', '/records')).body;
    expect(records.contacts).toEqual([]);
    expect(records.associations).toEqual([]);
    expect(records.gdprDeletions).toEqual([expect.objectContaining({ objectId: id, requestedAs: { objectId: 'erase@example.com', idProperty: 'email' } })]);
    expect((await api.call('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: id })).status).toBe(404);
  });
});

describe('rate limits', () => {
  let clock = Date.UTC(2024, 6, 1, 12, 0, 0);
  let server: Server;
  let limited: VendorConformanceClient;
  let base: string;

  beforeAll(async () => {
    const sandbox = createCrmSandbox({ now: () => clock, limits: { max: 3, daily: 1_000 } });
    server = sandbox.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    limited = newClient(base);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const get = () => limited.call('GET', '/crm/v3/objects/contacts/1');

  it('counts calls in a rolling 10-second window, with the X-HubSpot-RateLimit-* headers and the exact 429 body', async () => {
    const first = await get();
    expect({
      max: first.headers.get('x-hubspot-ratelimit-max'),
      remaining: first.headers.get('x-hubspot-ratelimit-remaining'),
      interval: first.headers.get('x-hubspot-ratelimit-interval-milliseconds'),
      daily: first.headers.get('x-hubspot-ratelimit-daily'),
      dailyRemaining: first.headers.get('x-hubspot-ratelimit-daily-remaining'),
    }).toEqual({ max: '3', remaining: '2', interval: '10000', daily: '1000', dailyRemaining: '999' });
    clock += 5_000;
    expect((await get()).headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    clock += 4_000;
    expect((await get()).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    const over = await get();
    expect(over.status).toBe(429);
    expect(Object.keys(over.body).sort()).toEqual(['correlationId', 'errorType', 'message', 'policyName', 'requestId', 'status']);
    expect(over.body).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    // Rolling, not fixed: 10 s after the first call only that call has left the window.
    clock += 1_001;
    expect((await get()).status).toBe(404);
    expect((await get()).status).toBe(429);
    clock += 10_000;
    expect((await get()).headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
  });

  it('refuses past the daily budget with policy DAILY, and counts 429s per policy', async () => {
    clock += 20_000;
    await control('PUT', '/limits', { usedToday: 999 }, base);
    const last = await get();
    expect(last.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    const over = await get();
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ message: 'You have reached your daily limit.', policyName: 'DAILY' });
    // Tomorrow (midnight UTC) the budget is whole again.
    clock = Date.UTC(2024, 6, 2, 0, 0, 1);
    expect((await get()).headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999');
    const summary = (await control('GET', '/summary', undefined, base)).body;
    expect(summary.rateLimit.stats.limited).toEqual({ TEN_SECONDLY_ROLLING: 2, DAILY: 1 });
    expect(summary.calls.operations['contacts.get']).toMatchObject({ limited: 3 });
    const set = await control('PUT', '/limits', { max: 190, daily: 500_000 }, base);
    expect(set.body).toMatchObject({ max: 190, daily: 500_000, intervalMs: 10_000, inWindow: 0 });
  });
});

describe('webhooks of changes', () => {
  it('sends a CRM user’s property change, signed with X-HubSpot-Signature-v3, in HubSpot’s event shape', async () => {
    const receiver = await startReceiver();
    try {
      await control('PUT', '/webhooks', {
        targetUrl: receiver.url,
        clientSecret: 'test-secret',
        batchWindowMs: 10,
        subscriptions: [{ subscriptionType: 'contact.propertyChange', propertyName: 'phone' }, { subscriptionType: 'contact.creation' }],
        includeIntegrationChanges: false,
      });
      const up = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'hook@example.com', properties: { phone: '1' } }]));
      const id = up.body.results[0].id;
      const at = Date.parse('2024-07-01T12:00:00.000Z');
      await control('PATCH', `/contacts/${id}`, { properties: { phone: '2', firstname: 'not subscribed' }, timestamp: at, userId: 5 });
      const got = await eventually(() => (receiver.received.length >= 1 ? receiver.received[0] : undefined), 'a webhook delivery');
      // The API's own writes were not sent (includeIntegrationChanges: false), the user's change was.
      expect(got.body).toEqual([
        {
          eventId: expect.any(Number),
          subscriptionId: expect.any(Number),
          portalId: 12345678,
          appId: 424242,
          occurredAt: at,
          subscriptionType: 'contact.propertyChange',
          attemptNumber: 0,
          objectId: Number(id),
          changeSource: 'CRM_UI',
          sourceId: 'userId:5',
          propertyName: 'phone',
          propertyValue: '2',
        },
      ]);
      const timestamp = String(got.headers['x-hubspot-request-timestamp']);
      expect(got.headers['x-hubspot-signature-v3']).toBe(signatureV3('test-secret', 'POST', receiver.url, got.raw, timestamp));
      expect(got.headers['x-hubspot-signature-v3']).not.toBe(signatureV3('other-secret', 'POST', receiver.url, got.raw, timestamp));
    } finally {
      await receiver.close();
    }
  });

  it('sends our own API writes too (as INTEGRATION), batches them, and retries a failed delivery with attemptNumber + 1', async () => {
    const receiver = await startReceiver();
    receiver.setRespond((n) => (n === 1 ? 503 : 200));
    try {
      await control('PUT', '/webhooks', {
        targetUrl: receiver.url,
        batchWindowMs: 20,
        retryDelaysMs: [50],
        subscriptions: [{ subscriptionType: 'contact.creation' }, { subscriptionType: 'contact.propertyChange', propertyName: 'firstname' }],
      });
      await api.call(
        'POST',
        '/crm/v3/objects/contacts/batch/upsert',
        upsert([
          { id: 'w1@example.com', properties: { firstname: 'W1' } },
          { id: 'w2@example.com', properties: { firstname: 'W2' } },
        ]),
      );
      const second = await eventually(() => (receiver.received.length >= 2 ? receiver.received[1] : undefined), 'the retried delivery');
      const first = receiver.received[0]!;
      expect(first.body.map((e: Json) => e.subscriptionType)).toEqual(['contact.creation', 'contact.propertyChange', 'contact.creation', 'contact.propertyChange']);
      expect(first.body.every((e: Json) => e.changeSource === 'INTEGRATION' && e.sourceId === '424242' && e.attemptNumber === 0)).toBe(true);
      expect(second.body.map((e: Json) => e.eventId)).toEqual(first.body.map((e: Json) => e.eventId));
      expect(second.body.every((e: Json) => e.attemptNumber === 1)).toBe(true);
      const deliveries = (await control('GET', '/deliveries')).body;
      expect(deliveries.deliveries.map((d: Json) => [d.attempt, d.status])).toEqual([
        [0, 503],
        [1, 200],
      ]);
      expect(deliveries.emitted).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });

  it('refuses a propertyChange subscription without its property', async () => {
    expect((await control('PUT', '/webhooks', { subscriptions: [{ subscriptionType: 'contact.propertyChange' }] })).status).toBe(400);
  });
});

describe('controls', () => {
  it('logs requests per operation, adds properties, and resets records but keeps the app’s settings', async () => {
    const since = Date.now();
    await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'log@example.com', properties: {} }]));
    await api.call('GET', '/crm/v3/objects/contacts/log@example.com?idProperty=email');
    const log = (await control('GET', `/requests?since_ms=${since}`)).body.requests;
    expect(log.map((r: Json) => [r.operation, r.status])).toEqual([
      ['contacts.batch.upsert', 200],
      ['contacts.get', 200],
    ]);
    const summary = (await control('GET', '/summary')).body;
    expect(summary.calls.operations['contacts.batch.upsert']).toMatchObject({ calls: 1, succeeded: 1, limited: 0 });

    expect((await control('PUT', '/properties', { objectType: 'contacts', add: [{ name: 'loyalty_tier' }, { name: 'erp_key', unique: true }] })).status).toBe(200);
    const withKey = await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'E-1', idProperty: 'erp_key', properties: { loyalty_tier: 'gold' } }]));
    expect(withKey.status).toBe(200);
    await control('PUT', '/webhooks', { appId: 99 });
    await control('POST', '/reset');
    const after = (await control('GET', '/summary')).body;
    expect(after.contacts.total).toBe(0);
    expect(after.calls.total.calls).toBe(0);
    expect((await control('GET', '/webhooks')).body.appId).toBe(99);
    expect((await control('GET', '/properties')).body.contacts.some((p: Json) => p.name === 'erp_key' && p.unique)).toBe(true);
    await control('PUT', '/webhooks', { appId: 424242 });
  });

  it('answers a fault set on a path', async () => {
    await control('POST', '/faults', { method: 'POST', path: 'batch/upsert$', status: 502, times: 1 });
    expect((await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'f@example.com', properties: {} }]))).status).toBe(502);
    expect((await api.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'f@example.com', properties: {} }]))).status).toBe(200);
    await control('DELETE', '/faults');
  });
});

describe('persistence', () => {
  it('keeps records, their history and ids in crm.json across restarts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-crm-'));
    try {
      const first = await startSandboxes({ bcPort: 0, erpPort: 0, stateDir: dir, crm: { limits: { enabled: false } } });
      const c1 = newClient(first.crmUrl);
      const created = await c1.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'kept@example.com', properties: { phone: '1' } }]));
      await first.close();
      const second = await startSandboxes({ bcPort: 0, erpPort: 0, stateDir: dir, crm: { limits: { enabled: false } } });
      try {
        const c2 = newClient(second.crmUrl);
        const again = await c2.call('POST', '/crm/v3/objects/contacts/batch/upsert', upsert([{ id: 'kept@example.com', properties: { phone: '2' } }]));
        expect(again.body.results[0]).toMatchObject({ id: created.body.results[0].id, new: false });
        const read = await c2.call('GET', '/crm/v3/objects/contacts/kept@example.com?idProperty=email&propertiesWithHistory=phone');
        expect(read.body.propertiesWithHistory.phone.map((h: Json) => h.value)).toEqual(['2', '1']);
        const next = await c2.call('POST', '/crm/v3/objects/contacts', { properties: { email: 'next@example.com' } });
        expect(Number(next.body.id)).toBe(Number(created.body.results[0].id) + 1);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
