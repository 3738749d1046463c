import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { startReceiver } from '../support/receiver';
import { ConformanceClient, recordConformance } from './harness';
import type { Json } from '../support/json';

/**
 * Customers V3 and price lists V3 against BigCommerce's specs (customers.v3.yml, price_lists.v3.yml)
 * and FACTS.md sections 3, 4, 10: batch caps, the spec's errors, offset and cursor pagination with
 * their meta rules, and the 2-in-flight cap of price-record upserts.
 */

let sandboxes: RunningSandboxes;
let client: ConformanceClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
recordConformance('customers', () => client);

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false } });
  client = new ConformanceClient(sandboxes.bcUrl, 'sandbox', 'sandbox-token');
  receiver = await startReceiver();
  expect((await client.call('POST', '/v3/hooks', { scope: 'store/customer/*', destination: receiver.url })).status).toBe(200);
});
afterAll(async () => {
  await receiver?.close();
  await sandboxes?.close();
});

async function eventually<T>(fn: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const waitForEvent = (scope: string, id: number) => eventually(() => receiver.received.find((r) => r.body?.scope === scope && r.body.data.id === id)?.body.data, `${scope} ${id}`);

let counter = 0;
const email = (name: string) => `${name}.${Date.now().toString(36)}.${counter++}@example.com`;
const person = (first: string, last: string, extra: Record<string, unknown> = {}) => ({ first_name: first, last_name: last, email: email(first.toLowerCase()), ...extra });

describe('POST /v3/customers', () => {
  it('creates up to 10 customers, with addresses, and fires store/customer/created', async () => {
    const res = await client.call('POST', '/v3/customers', [
      person('Lena', 'Park', {
        company: 'Park Outdoor',
        customer_group_id: 2,
        store_credit_amounts: [{ amount: 15.5 }],
        addresses: [{ first_name: 'Lena', last_name: 'Park', address1: '9 Pine St', city: 'Boise', state_or_province: 'Idaho', postal_code: '83702', country_code: 'US' }],
      }),
      person('Omar', 'Haddad'),
    ]);
    expect(res.status).toBe(200);
    const [lena, omar] = res.body.data;
    expect(lena).toMatchObject({
      first_name: 'Lena',
      company: 'Park Outdoor',
      customer_group_id: 2,
      address_count: 1,
      store_credit_amounts: [{ amount: 15.5 }],
      registration_ip_address: '',
    });
    expect(lena.addresses[0]).toMatchObject({
      id: expect.any(Number),
      customer_id: lena.id,
      city: 'Boise',
      country_code: 'US',
      country: 'United States',
      address_type: 'residential',
    });
    expect(lena.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(omar.id).toBeGreaterThan(lena.id);
    expect(await waitForEvent('store/customer/created', lena.id)).toEqual({ type: 'customer', id: lena.id });
    await waitForEvent('store/customer/created', omar.id);
  });

  it('answers 413 above 10 customers and 422 naming missing fields', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => person(`Bulk${i}`, 'Buyer'));
    const tooMany = await client.call('POST', '/v3/customers', eleven);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.title).toContain('The maximum items allowed in the array is 10.');
    expect((await client.call('POST', '/v3/customers', eleven.slice(0, 10))).status).toBe(200);
    const missing = await client.call('POST', '/v3/customers', [{ first_name: 'No', email: 'not-an-email' }]);
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toMatchObject({ '0.last_name': 'error.path.missing', '0.email': expect.any(String) });
    expect((await client.call('POST', '/v3/customers', { first_name: 'Not', last_name: 'Array', email: email('x') })).status).toBe(422);
  });

  it('refuses a duplicate email with the spec’s error, and creates nothing of that batch', async () => {
    const fresh = person('Fresh', 'Face');
    const res = await client.call('POST', '/v3/customers', [fresh, { first_name: 'Jane', last_name: 'Again', email: 'JANE.DOE@example.com' }]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      status: 422,
      title: 'Create customers failed.',
      errors: { '.customer_create': 'Error creating customers', '1.email': expect.stringContaining('already in use') },
    });
    expect((await client.call('GET', `/v3/customers?email:in=${encodeURIComponent(fresh.email)}`)).body.data).toEqual([]);
    const twice = await client.call('POST', '/v3/customers', [fresh, { ...fresh, first_name: 'Twin' }]);
    expect(twice.status).toBe(422);
  });
});

describe('PUT /v3/customers', () => {
  it('updates up to 10 customers by id and fires store/customer/updated', async () => {
    const [created] = (await client.call('POST', '/v3/customers', [person('Rita', 'Moreno')])).body.data;
    await new Promise((r) => setTimeout(r, 5));
    const res = await client.call('PUT', '/v3/customers', [
      { id: created.id, last_name: 'Moreno-Diaz', phone: '555-0101', registration_ip_address: '10.0.0.1', date_modified: '2001-01-01T00:00:00Z' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ id: created.id, last_name: 'Moreno-Diaz', phone: '555-0101', registration_ip_address: '' });
    expect(Date.parse(res.body.data[0].date_modified)).toBeGreaterThan(Date.parse(created.date_modified));
    expect(await waitForEvent('store/customer/updated', created.id)).toEqual({ type: 'customer', id: created.id });

    const tooMany = Array.from({ length: 11 }, () => ({ id: created.id, notes: 'x' }));
    expect((await client.call('PUT', '/v3/customers', tooMany)).status).toBe(413);
    const noId = await client.call('PUT', '/v3/customers', [{ first_name: 'Who' }]);
    expect(noId.status).toBe(422);
    expect(noId.body.errors).toMatchObject({ '0.id': 'error.path.missing' });
    expect((await client.call('PUT', '/v3/customers', [{ id: 999_999, first_name: 'Ghost' }])).status).toBe(422);
    expect((await client.call('PUT', '/v3/customers', [{ id: created.id, email: 'amara@okafor.example' }])).status).toBe(422);
  });
});

describe('GET /v3/customers', () => {
  it('filters by id:in, email:in, name:like, customer_group_id:in and date_modified, and sorts', async () => {
    const ids = async (query: string) => {
      const res = await client.call('GET', `/v3/customers?${query}`);
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.data.map((c: Json) => c.id);
    };
    expect(await ids('id:in=31,11')).toEqual([11, 31]);
    expect(await ids('email:in=AMARA@okafor.example,nobody@example.com')).toEqual([27]);
    expect(await ids('id:in=11,27,31&name:like=okaf,kenji')).toEqual([27, 31]);
    expect(await ids('id:in=11,27,31&name:like=janedoe')).toEqual([11]);
    expect(await ids('id:in=11,27,31&customer_group_id:in=2')).toEqual([27, 31]);

    const before = new Date(Date.now() - 1).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await client.call('PUT', '/v3/customers', [{ id: 27, notes: 'VIP' }]);
    expect(await ids(`date_modified:min=${encodeURIComponent(before)}`)).toEqual([27]);
    expect(await ids(`id:in=11,27,31&date_modified:max=${encodeURIComponent(before)}`)).toEqual([11, 31]);
    expect(await ids('id:in=11,27,31&sort=date_modified:desc')).toEqual([27, 11, 31]);
    expect(await ids('id:in=11,27,31&sort=last_name:asc')).toEqual([11, 27, 31]);
    expect((await client.call('GET', '/v3/customers?sort=email:asc')).status).toBe(422);
  });

  it('returns sub-resources only with include', async () => {
    const plain = (await client.call('GET', '/v3/customers?id:in=11')).body.data[0];
    expect(plain).toMatchObject({ id: 11, address_count: 1, attribute_count: 0 });
    expect(plain).not.toHaveProperty('addresses');
    expect(plain).not.toHaveProperty('store_credit_amounts');
    const full = (await client.call('GET', '/v3/customers?id:in=11,31&include=addresses,storecredit,attributes,formfields')).body.data;
    expect(full[0].addresses[0]).toMatchObject({ id: 1, customer_id: 11, city: 'Austin', form_fields: [] });
    expect(full[0]).toMatchObject({ attributes: [], form_fields: [] });
    expect(full[1].store_credit_amounts).toEqual([{ amount: 25 }]);
  });

  it('pages by offset and by cursor, with the meta each request gets (FACTS.md section 4)', async () => {
    const all = (await client.call('GET', '/v3/customers?limit=250')).body.data.map((c: Json) => c.id);
    expect(all.length).toBeGreaterThan(10);

    const first = await client.call('GET', '/v3/customers?limit=4');
    expect(first.body.meta.pagination).toMatchObject({ total: all.length, count: 4, per_page: 4, current_page: 1 });
    expect(first.body.meta.cursor_pagination).toMatchObject({ count: 4, per_page: 4, start_cursor: expect.any(String), end_cursor: expect.any(String) });
    // A cursor names a customer, like the spec's example "aWQ6Nw==" ("id:7").
    expect(Buffer.from(first.body.meta.cursor_pagination.end_cursor, 'base64').toString()).toBe(`id:${all[3]}`);

    const second = await client.call('GET', '/v3/customers?limit=4&page=2');
    expect(second.body.meta).not.toHaveProperty('cursor_pagination');
    expect(second.body.data.map((c: Json) => c.id)).toEqual(all.slice(4, 8));

    // Walk the whole list by `after`: cursor_pagination only, and the same customers in the same order.
    const walked: number[] = [];
    let next: string | undefined = '?limit=4';
    while (next) {
      const page: Json = await client.call('GET', `/v3/customers${next}`);
      expect(page.status).toBe(200);
      walked.push(...page.body.data.map((c: Json) => c.id));
      if (walked.length > 4) expect(page.body.meta).not.toHaveProperty('pagination');
      next = page.body.meta.cursor_pagination.links.next;
    }
    expect(walked).toEqual(all);

    const back = await client.call('GET', `/v3/customers?limit=2&before=${encodeURIComponent(Buffer.from(`id:${all[4]}`).toString('base64'))}`);
    expect(back.body.data.map((c: Json) => c.id)).toEqual(all.slice(2, 4));
    expect(back.body.meta.cursor_pagination.links.previous).toEqual(expect.stringContaining('before='));

    expect((await client.call('GET', '/v3/customers?after=not-a-cursor')).status).toBe(422);
    expect((await client.call('GET', '/v3/customers?after=aWQ6Nw%3D%3D&before=aWQ6Nw%3D%3D')).status).toBe(422);
    expect((await client.call('GET', '/v3/customers?limit=251')).status).toBe(413);
  });

  it('deletes only with id:in (204 and nothing deleted without it)', async () => {
    const [doomed] = (await client.call('POST', '/v3/customers', [person('Del', 'Eted')])).body.data;
    const total = (await client.call('GET', '/v3/customers?limit=1')).body.meta.pagination.total;
    expect((await client.call('DELETE', '/v3/customers')).status).toBe(204);
    expect((await client.call('GET', '/v3/customers?limit=1')).body.meta.pagination.total).toBe(total);
    expect((await client.call('DELETE', `/v3/customers?id:in=${doomed.id}`)).status).toBe(204);
    expect((await client.call('GET', `/v3/customers?id:in=${doomed.id}`)).body.data).toEqual([]);
    await waitForEvent('store/customer/deleted', doomed.id);
  });
});

describe('price lists', () => {
  it('lists, reads and creates price lists', async () => {
    const list = await client.call('GET', '/v3/pricelists');
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toEqual({ id: 1, name: 'Wholesale', active: true, date_created: expect.any(String), date_modified: expect.any(String) });
    // No paging parameters: both kinds of meta.
    expect(list.body.meta).toHaveProperty('pagination');
    expect(list.body.meta).toHaveProperty('cursor_pagination');
    expect((await client.call('GET', '/v3/pricelists?page=1')).body.meta).not.toHaveProperty('cursor_pagination');

    const created = await client.call('POST', '/v3/pricelists', { name: 'Trade show', active: false });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ name: 'Trade show', active: false });
    expect((await client.call('GET', `/v3/pricelists/${created.body.data.id}`)).body.data.name).toBe('Trade show');
    expect((await client.call('POST', '/v3/pricelists', { name: 'trade SHOW' })).status).toBe(409);
    const noName = await client.call('POST', '/v3/pricelists', { active: true });
    expect(noName.status).toBe(422);
    expect(noName.body.errors).toMatchObject({ name: 'error.path.missing' });
    expect((await client.call('GET', '/v3/pricelists?name:like=trade')).body.data.map((l: Json) => l.name)).toEqual(['Trade show']);
    expect((await client.call('GET', '/v3/pricelists/999')).status).toBe(404);
  });

  it('upserts up to 1000 records, all or nothing, and reads them by offset and cursor', async () => {
    const upsert = await client.call('PUT', '/v3/pricelists/1/records', [
      { variant_id: 201, currency: 'USD', price: 99, sale_price: 89, bulk_pricing_tiers: [{ quantity_min: 10, quantity_max: null, type: 'percent', amount: 5 }] },
      { sku: 'jkt-rdg-l', currency: 'usd', price: 104 },
      { variant_id: 1, currency: 'EUR', price: 55 },
      { variant_id: 1, currency: 'USD', price: 57 },
    ]);
    expect(upsert.status).toBe(200);
    expect(upsert.body).toEqual({ data: {}, meta: {} });

    const records = await client.call('GET', '/v3/pricelists/1/records?include=sku,bulk_pricing_tiers');
    expect(records.status).toBe(200);
    const byKey = Object.fromEntries(records.body.data.map((r: Json) => [`${r.variant_id}:${r.currency}`, r]));
    expect(byKey['201:usd']).toMatchObject({
      price_list_id: 1,
      product_id: 113,
      sku: 'JKT-RDG-S',
      price: 99,
      sale_price: 89,
      calculated_price: 89,
      bulk_pricing_tiers: [{ quantity_min: 10, quantity_max: null, type: 'percent', amount: 5 }],
    });
    expect(byKey['1:usd']).toMatchObject({ price: 57, calculated_price: 57 });
    expect(byKey['1:eur'].price).toBe(55);
    expect(records.body.meta).toHaveProperty('pagination');
    expect(records.body.meta).toHaveProperty('cursor_pagination');
    expect((await client.call('GET', '/v3/pricelists/1/records')).body.data[0]).not.toHaveProperty('sku');

    const filtered = await client.call('GET', '/v3/pricelists/1/records?product_id:in=113&currency=usd&price:min=100');
    expect(filtered.body.data.map((r: Json) => r.variant_id)).toEqual([202, 203]);
    expect((await client.call('GET', '/v3/pricelists/1/records?variant_id:in=1')).body.data.map((r: Json) => r.currency)).toEqual(['eur', 'usd']);

    const all = records.body.data.map((r: Json) => `${r.variant_id}:${r.currency}`);
    const walked: string[] = [];
    let next: string | undefined = '?limit=2';
    while (next) {
      const page: Json = await client.call('GET', `/v3/pricelists/1/records${next}`);
      walked.push(...page.body.data.map((r: Json) => `${r.variant_id}:${r.currency}`));
      if (walked.length > 2) expect(page.body.meta).not.toHaveProperty('pagination');
      next = page.body.meta.cursor_pagination.links.next;
    }
    expect(walked).toEqual(all);
    const offset = await client.call('GET', '/v3/pricelists/1/records?limit=2&page=2');
    expect(offset.body.meta).not.toHaveProperty('cursor_pagination');
    expect(offset.body.data.map((r: Json) => `${r.variant_id}:${r.currency}`)).toEqual(all.slice(2, 4));

    const bad = await client.call('PUT', '/v3/pricelists/1/records', [
      { variant_id: 2, currency: 'USD', price: 1 },
      { variant_id: 999_999, currency: 'USD', price: 1 },
      { variant_id: 2, currency: 'dollars', price: 1 },
      { sku: 'SOCK-MER', currency: 'USD' },
    ]);
    expect(bad.status).toBe(422);
    expect(bad.body.batch_errors).toHaveLength(3);
    expect(bad.body.batch_errors[0]).toEqual({ data: { price_list_id: 1, variant_id: 999_999, currency: 'USD' }, field_errors: { variant_id: 'no such variant' } });
    expect((await client.call('GET', '/v3/pricelists/1/records?variant_id:in=2')).body.data[0].price).toBe(14);

    const tooMany = Array.from({ length: 1001 }, () => ({ variant_id: 2, currency: 'USD', price: 14 }));
    expect((await client.call('PUT', '/v3/pricelists/1/records', tooMany)).status).toBe(413);
    expect((await client.call('GET', '/v3/pricelists/999/records')).status).toBe(404);
  });

  it('allows two record upserts in flight per store: the third gets 429', async () => {
    const body = [{ variant_id: 2, currency: 'USD', price: 13 }];
    const results = await Promise.all([1, 2, 3].map(() => client.call('PUT', '/v3/pricelists/1/records', body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429]);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body).toEqual({ status: 429, title: 'Too many requests', type: '/api-docs/getting-started/api-status-codes', errors: {} });
    // Once those finish, the next one goes through.
    expect((await client.call('PUT', '/v3/pricelists/1/records', body)).status).toBe(200);
  });
});
