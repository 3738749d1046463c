import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';
import { RETRY_SCHEDULE_S } from '../../bigcommerce/webhook-dispatcher';
import { eventually } from '../support/eventually';
import { seededRandom } from '../../random';
import { startReceiver } from '../support/receiver';
import { ConformanceClient, recordConformance } from './harness';

const SECRET = 'sandbox-client-secret';
const clients: ConformanceClient[] = [];
const merged = new ConformanceClient('', '', '');
recordConformance('webhooks', () => {
  for (const c of clients) merged.results.push(...c.results);
  return merged;
});

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
afterAll(async () => {
  while (open.length) await open.pop()!.close();
});

async function sandbox(bigcommerce: Parameters<typeof startSandboxes>[0] extends infer O ? (O extends { bigcommerce?: infer B } ? B : never) : never) {
  const s = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false, ...bigcommerce } });
  open.push(s);
  const client = new ConformanceClient(s.bcUrl, 'sandbox', 'sandbox-token');
  clients.push(client);
  return { s, client };
}

async function receiver() {
  const r = await startReceiver();
  open.push(r);
  return r;
}

const emit = (s: RunningSandboxes, scope: string, data: Record<string, unknown>) =>
  fetch(`${s.bcUrl}/__sandbox/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope, data }) });

describe('hooks API (webhooks.v3.yml)', () => {
  it('creates, lists, reads, updates and deletes hooks per API client, with the uniqueness rules', async () => {
    const { client } = await sandbox({});
    const created = await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: 'https://example.com/a', headers: { 'x-custom': '1' } });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ scope: 'store/order/*', destination: 'https://example.com/a', is_active: true, headers: { 'x-custom': '1' }, store_hash: 'sandbox' });
    expect(typeof created.body.data.created_at).toBe('number');
    const id = created.body.data.id as number;

    const duplicate = await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: 'https://example.com/a' });
    expect(duplicate.status).toBe(422);
    expect((await client.call('POST', '/v3/hooks', { destination: 'https://example.com/a' })).status).toBe(422);
    expect((await client.call('POST', '/v3/hooks', { scope: 'store/order/created', destination: 'not a url' })).status).toBe(422);
    for (let i = 0; i < 9; i++) expect((await client.call('POST', '/v3/hooks', { scope: 'store/cart/created', destination: `https://example.com/c${i}` })).status).toBe(200);
    expect((await client.call('POST', '/v3/hooks', { scope: 'store/cart/created', destination: 'https://example.com/c9' })).status).toBe(200);
    const eleventh = await client.call('POST', '/v3/hooks', { scope: 'store/cart/created', destination: 'https://example.com/c10' });
    expect(eleventh.status).toBe(422);

    const list = await client.call('GET', '/v3/hooks?scope=store/order/*');
    expect(list.status).toBe(200);
    expect(list.body.data.map((h: { id: number }) => h.id)).toEqual([id]);
    const page = await client.call('GET', '/v3/hooks?limit=4&page=2');
    expect(page.body.meta.pagination).toMatchObject({ total: 11, count: 4, per_page: 4, current_page: 2, total_pages: 3 });

    expect((await client.call('GET', `/v3/hooks/${id}`)).body.data.id).toBe(id);
    expect((await client.call('GET', '/v3/hooks/999999')).status).toBe(404);
    const updated = await client.call('PUT', `/v3/hooks/${id}`, { is_active: false });
    expect(updated.body.data.is_active).toBe(false);
    expect((await client.call('PUT', `/v3/hooks/${id}`, {})).status).toBe(422);
    const deleted = await client.call('DELETE', `/v3/hooks/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.id).toBe(id);
    expect((await client.call('GET', `/v3/hooks/${id}`)).status).toBe(404);
  });

  it('shows hooks only to the API client that created them', async () => {
    const { s, client } = await sandbox({ clients: { 'sandbox-token': { clientId: 'a', clientSecret: 'sa' }, 'other-token': { clientId: 'b', clientSecret: 'sb' } } });
    await client.call('POST', '/v3/hooks', { scope: 'store/order/created', destination: 'https://example.com/a' });
    const other = new ConformanceClient(s.bcUrl, 'sandbox', 'other-token');
    clients.push(other);
    expect((await other.call('GET', '/v3/hooks')).body.data).toEqual([]);
    expect((await client.call('GET', '/v3/hooks')).body.data).toHaveLength(1);
    expect((await client.call('GET', '/v3/hooks', undefined, { token: null })).status).toBe(401);
  });

  it('allows one deliveryException hook per client, at a destination no other hook uses', async () => {
    const { client } = await sandbox({});
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: 'https://example.com/orders' });
    const same = await client.call('POST', '/v3/hooks', { scope: 'store/hook/deliveryException', destination: 'https://example.com/orders' });
    expect(same.status).toBe(422);
    expect((await client.call('POST', '/v3/hooks', { scope: 'store/hook/deliveryException', destination: 'https://example.com/exceptions' })).status).toBe(200);
    expect((await client.call('POST', '/v3/hooks', { scope: 'store/hook/deliveryException', destination: 'https://example.com/exceptions2' })).status).toBe(422);
  });

  it('keeps admin emails and reports hook status', async () => {
    const { client } = await sandbox({});
    expect((await client.call('PUT', '/v3/hooks/admin', { emails: ['ops@example.com'] })).status).toBe(204);
    expect((await client.call('PUT', '/v3/hooks/admin', { emails: ['not-an-email'] })).status).toBe(422);
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: 'https://example.com/orders' });
    const admin = await client.call('GET', '/v3/hooks/admin');
    expect(admin.status).toBe(200);
    expect(admin.body.data.emails).toEqual(['ops@example.com']);
    expect(admin.body.data.hooks_list[0].status).toBe('active');
    expect(admin.body.data.blocked_domains).toEqual([]);
  });
});

describe('webhook delivery', () => {
  it('sends the thin payload with the hook headers and a Standard Webhooks signature that verifies', async () => {
    const { s, client } = await sandbox({});
    const r = await receiver();
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: r.url, headers: { 'x-bcsync-secret': 'shh' } });
    await emit(s, 'store/order/created', { type: 'order', id: 250 });
    await emit(s, 'store/product/updated', { type: 'product', id: 111 }); // no hook for this scope
    const [got] = await eventually(() => (r.received.length >= 1 ? r.received : undefined), 'a delivery');
    expect(got!.body).toMatchObject({ scope: 'store/order/created', store_id: '1000001', data: { type: 'order', id: 250 }, producer: 'stores/sandbox' });
    expect(got!.body.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(Math.abs(got!.body.created_at - Date.now() / 1000)).toBeLessThan(5);
    expect(got!.headers['x-bcsync-secret']).toBe('shh');
    // BigCommerce's guidance: new Webhook(base64(client_secret)).verify(body, headers).
    const verified = new Webhook(Buffer.from(SECRET).toString('base64')).verify(got!.raw, got!.headers as Record<string, string>);
    expect(verified).toEqual(got!.body);
    const wrong = new Webhook(Buffer.from('another-secret').toString('base64'));
    expect(() => wrong.verify(got!.raw, got!.headers as Record<string, string>)).toThrow();
    await new Promise((res) => setTimeout(res, 100));
    expect(r.received).toHaveLength(1);
  });

  it('retries on the schedule (compressed), keeps the hash, then deactivates the hook, emails and sends deliveryException', async () => {
    const scale = 60_000; // 187,020 s of retries pass in about 3 s
    const { s, client } = await sandbox({ webhookTimeScale: scale });
    const failing = await receiver();
    failing.setRespond(() => 503);
    const exceptions = await receiver();
    const exceptionsUrl = exceptions.url.replace('127.0.0.1', 'localhost');
    await client.call('PUT', '/v3/hooks/admin', { emails: ['ops@example.com'] });
    const hook = (await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: failing.url })).body.data;
    await client.call('POST', '/v3/hooks', { scope: 'store/hook/deliveryException', destination: exceptionsUrl });

    await emit(s, 'store/order/created', { type: 'order', id: 7 });
    await eventually(async () => ((await client.call('GET', `/v3/hooks/${hook.id}`)).body.data.is_active === false ? true : undefined), 'deactivation', 15_000);

    expect(failing.received).toHaveLength(1 + RETRY_SCHEDULE_S.length);
    expect(new Set(failing.received.map((x) => x.body.hash)).size).toBe(1);
    expect(new Set(failing.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    // The gaps follow the schedule: each one longer than the one before, from the third on.
    const gaps = failing.received.slice(1).map((x, i) => x.atMs - failing.received[i]!.atMs);
    expect(gaps[gaps.length - 1]!).toBeGreaterThan(gaps[0]!);
    expect(gaps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual((RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0) * 1000) / scale - 50);

    const admin = await client.call('GET', '/v3/hooks/admin');
    expect(admin.body.data.hooks_list.find((h: { id: number }) => h.id === hook.id).status).toBe('deactivated');
    const notes = (await (await fetch(`${s.bcUrl}/__sandbox/notifications`)).json()) as { notifications: Array<{ to: string[]; subject: string }> };
    expect(notes.notifications).toEqual([expect.objectContaining({ to: ['ops@example.com'], subject: expect.stringMatching(/deactivated/) })]);
    await eventually(() => (exceptions.received.some((x) => x.body.data.error_code === 90002) ? true : undefined), 'the 90002 exception');
    const codes = exceptions.received.map((x) => x.body.data.error_code);
    expect(codes[0]).toBe(90001);
    expect(codes).toContain(90002);
    expect(exceptions.received.every((x) => x.body.scope === 'store/hook/deliveryException' && x.body.data.id === hook.id && x.body.data.type === 'webhook')).toBe(true);

    // Reactivated, the hook receives new events again (and nothing of what was missed).
    expect((await client.call('PUT', `/v3/hooks/${hook.id}`, { is_active: true })).body.data.is_active).toBe(true);
    failing.setRespond(() => 200);
    const before = failing.received.length;
    await emit(s, 'store/order/updated', { type: 'order', id: 7 });
    await eventually(() => (failing.received.length === before + 1 ? true : undefined), 'a delivery after reactivation');
    expect((await client.call('GET', '/v3/hooks/admin')).body.data.hooks_list.find((h: { id: number }) => h.id === hook.id).status).toBe('active');
  });

  it('succeeds only on 2xx: a 3xx or a timeout is a failure and is retried', async () => {
    const { s, client } = await sandbox({ webhookTimeScale: 60_000, webhookTimeoutMs: 200 });
    const r = await receiver();
    r.setRespond((n) => (n === 1 ? 302 : 204));
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: r.url });
    await emit(s, 'store/order/created', { type: 'order', id: 8 });
    await eventually(() => (r.received.length === 2 ? true : undefined), 'the retry after a 302');
    const deliveries = (await (await fetch(`${s.bcUrl}/__sandbox/deliveries`)).json()) as { deliveries: Array<{ status: number; attempt: number }> };
    expect(deliveries.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [0, 302],
      [1, 204],
    ]);
  });

  it('blocklists a domain below 90% success over 2 minutes (after 100 deliveries) for 3 minutes, compressed', async () => {
    const scale = 60; // 2 min window = 2 s, 3 min block = 3 s, first retry after 1 s
    const { s, client } = await sandbox({ webhookTimeScale: scale });
    const r = await receiver();
    r.setRespond(() => 500);
    const exceptions = await receiver();
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: r.url });
    await client.call('POST', '/v3/hooks', { scope: 'store/hook/deliveryException', destination: exceptions.url.replace('127.0.0.1', 'localhost') });
    for (let i = 0; i < 120; i++) await emit(s, 'store/order/updated', { type: 'order', id: 1000 + i });
    const admin = await eventually(async () => {
      const a = await client.call('GET', '/v3/hooks/admin');
      return a.body.data.blocked_domains.length ? a : undefined;
    }, 'the domain to be blocklisted');
    expect(admin.body.data.blocked_domains[0]).toMatchObject({ destination: '127.0.0.1' });
    expect(admin.body.data.blocked_domains[0].time_left).toBeGreaterThan(100);
    expect(admin.body.data.blocked_domains[0].time_left).toBeLessThanOrEqual(180);
    await eventually(() => (exceptions.received.some((x) => x.body.data.error_code === 90003) ? true : undefined), 'the 90003 exception');

    // While blocked, deliveries are not sent; once it lifts, queued retries reach the healed receiver.
    const deliveries = async () =>
      (
        (await (await fetch(`${s.bcUrl}/__sandbox/deliveries?scope=store/order/updated`)).json()) as {
          deliveries: Array<{ blocked?: boolean; status: number | null; attempt: number }>;
        }
      ).deliveries;
    await eventually(async () => ((await deliveries()).filter((d) => d.attempt === 0).length === 120 ? true : undefined), 'every first attempt to be made');
    const sentBeforeHeal = r.received.length;
    r.setRespond(() => 200);
    await eventually(async () => ((await deliveries()).some((d) => d.blocked) ? true : undefined), 'a delivery held back by the blocklist', 10_000);
    expect((await deliveries()).filter((d) => d.status === 200)).toEqual([]);
    expect(sentBeforeHeal).toBeLessThan(120); // the block stopped some first attempts from going out at all
    await eventually(async () => ((await deliveries()).filter((d) => d.status === 200).length >= 120 ? true : undefined), 'all 120 events delivered after the block', 30_000);
  }, 60_000);

  it('injects duplicates, delays that reorder, and drops', async () => {
    const { s, client } = await sandbox({ random: seededRandom(42) });
    const r = await receiver();
    await client.call('POST', '/v3/hooks', { scope: 'store/order/*', destination: r.url });
    const faults = (body: unknown) => fetch(`${s.bcUrl}/__sandbox/webhook-faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    await faults({ duplicateRate: 1 });
    await emit(s, 'store/order/created', { type: 'order', id: 1 });
    await eventually(() => (r.received.length === 2 ? true : undefined), 'two deliveries of one event');
    expect(r.received[0]!.body.hash).toBe(r.received[1]!.body.hash);
    expect(r.received[0]!.headers['webhook-id']).toBe(r.received[1]!.headers['webhook-id']);

    r.received.length = 0;
    await faults({ duplicateRate: 0, delayMs: [0, 300] });
    for (let i = 0; i < 20; i++) await emit(s, 'store/order/updated', { type: 'order', id: i });
    await eventually(() => (r.received.length === 20 ? true : undefined), '20 delayed deliveries');
    const order = r.received.map((x) => x.body.data.id as number);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));

    r.received.length = 0;
    await faults({ delayMs: [0, 0], dropRate: 1 });
    await emit(s, 'store/order/created', { type: 'order', id: 99 });
    await new Promise((res) => setTimeout(res, 200));
    expect(r.received).toHaveLength(0);
    expect(await (await fetch(`${s.bcUrl}/__sandbox/webhook-faults`)).json()).toEqual({ duplicateRate: 0, copies: 1, delayMs: [0, 0], dropRate: 1 });

    r.received.length = 0;
    await faults({ dropRate: 0, copies: 3 });
    await emit(s, 'store/order/created', { type: 'order', id: 100 });
    await eventually(() => (r.received.length === 3 ? true : undefined), 'three copies of one event');
    expect(new Set(r.received.map((x) => x.body.hash)).size).toBe(1);
  });
});

describe('rate limiting: one quota per store, shared by every client', () => {
  it('sends the four headers on every response and 429 with the documented body once the window is spent', async () => {
    const { s, client } = await sandbox({
      rateLimit: true,
      quota: 10,
      windowMs: 1_000,
      clients: { 'sandbox-token': { clientId: 'a', clientSecret: 'x' }, 'other-token': { clientId: 'b', clientSecret: 'y' } },
    });
    const other = new ConformanceClient(s.bcUrl, 'sandbox', 'other-token');
    clients.push(other);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await client.call('GET', '/v3/hooks');
      statuses.push(res.status);
      expect(Number(res.headers.get('x-rate-limit-requests-quota'))).toBe(10);
      expect(Number(res.headers.get('x-rate-limit-requests-left'))).toBe(9 - i);
      expect(Number(res.headers.get('x-rate-limit-time-window-ms'))).toBe(1_000);
      expect(Number(res.headers.get('x-rate-limit-time-reset-ms'))).toBeLessThanOrEqual(1_000);
    }
    for (let i = 0; i < 4; i++) statuses.push((await other.call('GET', '/v3/hooks')).status); // the other app spends the rest
    const limited = await client.call('GET', '/v3/hooks');
    expect(statuses).toEqual(Array(10).fill(200));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ status: 429, title: 'Too many requests', type: '/api-docs/getting-started/api-status-codes', errors: {} });
    expect(limited.headers.get('x-rate-limit-requests-left')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-time-reset-ms'));
    await new Promise((res) => setTimeout(res, reset + 20));
    expect((await client.call('GET', '/v3/hooks')).status).toBe(200);
  });

  it('simulates other apps taking a share of the quota, and platform-load 429s without headers', async () => {
    const { s, client } = await sandbox({ rateLimit: true, quota: 100, windowMs: 400 });
    const put = (body: unknown) => fetch(`${s.bcUrl}/__sandbox/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await put({ otherAppsShare: 0.5 });
    await new Promise((res) => setTimeout(res, 450)); // a fresh window, then let other apps work through it
    await client.call('GET', '/v2/time');
    await new Promise((res) => setTimeout(res, 300));
    const left = Number((await client.call('GET', '/v2/time')).headers.get('x-rate-limit-requests-left'));
    expect(left).toBeLessThan(70);
    expect(left).toBeGreaterThan(30);

    await put({ otherAppsShare: 0, platformLoadRate: 1 });
    const loaded = await client.call('GET', '/v3/hooks');
    expect(loaded.status).toBe(429);
    expect(loaded.headers.get('x-rate-limit-requests-left')).toBeNull();
    expect(loaded.headers.get('x-rate-limit-time-reset-ms')).toBeNull();

    await put({ platformLoadRate: 0, enabled: false, quota: 1 });
    for (let i = 0; i < 5; i++) expect((await client.call('GET', '/v3/hooks')).status).toBe(200);
  });

  it('injects per-route faults: a status a given number of times, and latency', async () => {
    const { s, client } = await sandbox({});
    const add = (body: unknown) => fetch(`${s.bcUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await add({ method: 'GET', path: '^/v3/hooks$', status: 503, times: 2, body: { status: 503, title: 'Service Unavailable' } })).status).toBe(201);
    expect((await client.call('GET', '/v3/hooks')).status).toBe(503);
    expect((await client.call('GET', '/v3/hooks')).status).toBe(503);
    expect((await client.call('GET', '/v3/hooks')).status).toBe(200);
    await add({ method: '*', path: '^/v3/hooks/admin$', latencyMs: 300 });
    const started = Date.now();
    expect((await client.call('GET', '/v3/hooks/admin')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await add({ path: '([' })).status).toBe(400);
  });
});
