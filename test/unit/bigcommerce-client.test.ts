import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { BigCommerceError, parseErrorBody } from '../../connectors/bigcommerce/errors';
import { ensureHook, listHooks, updateHook } from '../../connectors/bigcommerce/hooks';
import { getOrder } from '../../connectors/bigcommerce/orders/get-order';
import { readRateLimitHeaders } from '../../connectors/bigcommerce/rate-limit-headers';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';

let sandboxes: RunningSandboxes;
let client: BigCommerceClient;

beforeAll(async () => {
  sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { quota: 40, windowMs: 60_000 } });
  client = new BigCommerceClient({ apiUrl: sandboxes.bcUrl, storeHash: 'sandbox', accessToken: 'sandbox-token' });
});
afterAll(async () => {
  await sandboxes.close();
});

describe('BigCommerce client against the sandbox', () => {
  it('fetches a whole order in one call and maps it', async () => {
    const created = await client.request({ method: 'POST', path: '/v2/orders', body: demoOrderBody(1) }, z.object({ id: z.number() }));
    const order = await getOrder(client, created.data!.id);
    expect(order.lines.map((l) => l.sku)).toEqual(['JKT-RDG-M', 'LAMP-400']);
    expect(order.shipping).toHaveLength(1);
    expect(order.statusId).toBe(11);
  });

  it('turns a V2 404 into a typed not_found error', async () => {
    const err = await getOrder(client, 999_999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BigCommerceError);
    expect((err as BigCommerceError).kind).toBe('not_found');
    expect((err as BigCommerceError).details.status).toBe(404);
  });

  it('turns a bad token into an auth error', async () => {
    const bad = new BigCommerceClient({ apiUrl: sandboxes.bcUrl, storeHash: 'sandbox', accessToken: 'wrong' });
    await expect(getOrder(bad, 100)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reports an unreachable store as a network error', async () => {
    const gone = new BigCommerceClient({ apiUrl: 'http://127.0.0.1:1', storeHash: 'sandbox', accessToken: 'x', timeoutMs: 2_000 });
    await expect(getOrder(gone, 100)).rejects.toMatchObject({ kind: 'network' });
  });

  it('ensures a hook idempotently: created, unchanged, then reactivated after BigCommerce deactivates it', async () => {
    const spec = { scope: 'store/order/*', destination: 'https://example.com/webhooks/bigcommerce', headers: { 'x-bcsync-secret': 's3cret' } };
    const first = await ensureHook(client, spec);
    expect(first.outcome).toBe('created');
    expect((await ensureHook(client, spec)).outcome).toBe('unchanged');
    await updateHook(client, first.hook.id, { is_active: false });
    const again = await ensureHook(client, spec);
    expect(again.outcome).toBe('reactivated');
    expect(again.hook.is_active).toBe(true);
    expect((await ensureHook(client, { ...spec, headers: { 'x-bcsync-secret': 'rotated' } })).outcome).toBe('updated');
    expect(await listHooks(client, { scope: spec.scope })).toHaveLength(1);
  });

  it('reads the rate headers on every response and classifies a 429 with them as rate_limited', async () => {
    let seen = 0;
    const counting = new BigCommerceClient({ apiUrl: sandboxes.bcUrl, storeHash: 'sandbox', accessToken: 'sandbox-token', onRateLimit: () => seen++ });
    let err: unknown;
    for (let i = 0; i < 60 && !err; i++) {
      err = await counting.request({ method: 'GET', path: '/v2/order_statuses' }, z.array(z.unknown())).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(err).toMatchObject({ kind: 'rate_limited', details: { status: 429 } });
    const retryAfter = (err as BigCommerceError).details.retryAfterMs!;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60_000);
    expect(seen).toBeGreaterThan(1);
  });
});

describe('pure parsing', () => {
  it('reads rate headers case-insensitively', () => {
    const h = new Headers({
      'x-rate-limit-requests-left': '35',
      'X-Rate-Limit-Time-Reset-Ms': '15000',
      'x-rate-limit-requests-quota': '150',
      'x-rate-limit-time-window-ms': '30000',
    });
    expect(readRateLimitHeaders(h)).toEqual({ left: 35, resetMs: 15_000, quota: 150, windowMs: 30_000 });
    expect(readRateLimitHeaders(new Headers())).toBeUndefined();
  });

  it('parses V2 array errors, V3 errors with fields, and wrapped refund errors', () => {
    expect(parseErrorBody([{ status: 404, message: 'The requested resource was not found.' }]).message).toBe('The requested resource was not found.');
    expect(parseErrorBody({ status: 422, title: 'JSON data is missing or invalid', type: 't', errors: { name: 'error.expected.jsstring' } })).toEqual({
      message: 'JSON data is missing or invalid',
      fieldErrors: [{ field: 'name', message: 'error.expected.jsstring' }],
    });
    expect(parseErrorBody({ data: [{ status: 422, title: 'Unable to provide store credit for a guest customer.', type: 't' }] }).message).toMatch(/store credit/);
  });
});
