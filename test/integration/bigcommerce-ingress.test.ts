import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server';
import { WEBHOOK_SECRET_HEADER } from '../../api/shared/webhook-secret';
import { createLazyClient } from '../../workers/temporal-connection';
import { eventually, startStack, TEST_SECRET, type Stack } from '../support/stack';
import { logger } from '../support/setup';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const validPayload = (storeHash: string, orderId: number) => ({
  scope: 'store/order/created',
  store_id: '1000001',
  data: { type: 'order', id: orderId },
  hash: `hash-${orderId}`,
  created_at: 1_795_000_000,
  producer: `stores/${storeHash}`,
});

async function post(url: string, body: string, headers: Record<string, string> = { [WEBHOOK_SECRET_HEADER]: TEST_SECRET }) {
  const res = await fetch(`${url}/webhooks/bigcommerce`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as { error?: string; reason?: string; accepted?: boolean } };
}

async function workflowsOfStore(storeHash: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: `BcStoreHash = "${storeHash}"` })) ids.push(wf.workflowId);
  return ids;
}

describe('POST /webhooks/bigcommerce rejects bad input with a reason and starts nothing', () => {
  const cases: Array<{ name: string; body: (s: string) => string; headers?: Record<string, string>; status: number; reason: RegExp }> = [
    { name: 'malformed JSON', body: () => '{"scope": "store/order/created", ', status: 400, reason: /not valid JSON/ },
    { name: 'missing data', body: (s) => JSON.stringify({ ...validPayload(s, 9001), data: undefined }), status: 400, reason: /data/ },
    { name: 'missing hash', body: (s) => JSON.stringify({ ...validPayload(s, 9002), hash: undefined }), status: 400, reason: /hash/ },
    { name: 'order id not a number', body: (s) => JSON.stringify({ ...validPayload(s, 9003), data: { type: 'order', id: 'abc' } }), status: 400, reason: /data\.id/ },
    { name: 'unknown store', body: () => JSON.stringify(validPayload('someoneelse', 9004)), status: 400, reason: /someoneelse/ },
    { name: 'wrong secret', body: (s) => JSON.stringify(validPayload(s, 9005)), headers: { [WEBHOOK_SECRET_HEADER]: 'nope' }, status: 401, reason: /x-bcsync-secret/ },
    { name: 'missing secret', body: (s) => JSON.stringify(validPayload(s, 9006)), headers: {}, status: 401, reason: /x-bcsync-secret/ },
  ];

  for (const c of cases) {
    it(`${c.name} -> ${c.status}`, async () => {
      const res = await post(stack.apiUrl, c.body(stack.storeHash), c.headers);
      expect(res.status).toBe(c.status);
      expect(res.body.reason).toMatch(c.reason);
    });
  }

  it('a valid event the product does not handle yet gets 200 (so the hook stays healthy) and starts nothing', async () => {
    const res = await post(stack.apiUrl, JSON.stringify({ ...validPayload(stack.storeHash, 1), scope: 'store/cart/created', data: { type: 'cart', id: 'abc' } }));
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(false);
  });

  it('none of the rejected requests started a workflow, while a valid one does', async () => {
    // Control: the same endpoint, a valid body, does start one, so an empty list below means something.
    const ok = await post(stack.apiUrl, JSON.stringify(validPayload(stack.storeHash, 424242)));
    expect(ok.status).toBe(200);
    const ids = await eventually(async () => {
      const found = await workflowsOfStore(stack.storeHash);
      return found.length > 0 ? found : undefined;
    }, 'the control workflow to be visible');
    expect(ids).toEqual([`order:${stack.storeHash}:424242`]);
    await stack.client.workflow.getHandle(ids[0]!).terminate('test control');
  });
});

describe('with Temporal unreachable', () => {
  it('answers 503 with Retry-After so BigCommerce retries, and /readyz says not ready', async () => {
    // A port nobody listens on: bind one, note it, close it.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const config = { ...stack.config, temporal: { ...stack.config.temporal, address: `127.0.0.1:${port}` } };
    const { client, connection } = createLazyClient(config.temporal);
    const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: 0 });
    try {
      const started = Date.now();
      const res = await fetch(`${api.url}/webhooks/bigcommerce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: TEST_SECRET },
        body: JSON.stringify(validPayload(stack.storeHash, 77)),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('60');
      expect(Date.now() - started).toBeLessThan(10_000);
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    } finally {
      await api.close();
      await connection.close().catch(() => undefined);
    }
  });
});
