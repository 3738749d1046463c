import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server';
import type { Config } from '../../config/env';
import { bodiesParsed, webhookSignatureChecks } from '../../lib/metrics';
import { createLazyClient } from '../../workers/temporal-connection';
import { deliveryHeaders, postDelivery } from '../support/bigcommerce-delivery';
import { logger } from '../support/setup';
import { eventually, startStack, TEST_CLIENT_SECRET, type Stack } from '../support/stack';

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
  hash: orderId.toString(16).padStart(40, '0'),
  created_at: 1_795_000_000,
  producer: `stores/${storeHash}`,
});

type Answer = { status: number; body: { error?: string; reason?: string; accepted?: boolean; duplicate?: boolean; ignored?: string } };

async function send(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}/webhooks/bigcommerce`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}
const signed = (url: string, body: string, opts: Parameters<typeof deliveryHeaders>[1] = {}) => send(url, body, deliveryHeaders(body, opts));

async function workflowsOfStore(storeHash: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: `BcStoreHash = "${storeHash}"` })) ids.push(wf.workflowId);
  return ids;
}

/** The API with another configuration, on the stack's Temporal. */
async function withApi<T>(change: (c: Config) => Config, fn: (url: string) => Promise<T>): Promise<T> {
  const api = await startApiServer(change(stack.config), { client: stack.client, connection: stack.connection, logger, host: '127.0.0.1', port: 0 });
  try {
    return await fn(api.url);
  } finally {
    await api.close();
  }
}

const counterValue = async (counter: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> }, labels: Record<string, string>) =>
  (await counter.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);

describe('POST /webhooks/bigcommerce: signed deliveries only (BC_WEBHOOK_SIGNATURES=enforce)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const body = (s: string, id: number) => JSON.stringify(validPayload(s, id));
  const cases: Array<{ name: string; send: (url: string, s: string) => Promise<Answer>; status: number; reason: RegExp }> = [
    { name: 'no custom header', send: (u, s) => send(u, body(s, 9101), { ...deliveryHeaders(body(s, 9101)), 'x-bcsync-secret': '' }), status: 401, reason: /x-bcsync-secret/ },
    { name: 'wrong custom header', send: (u, s) => signed(u, body(s, 9102), { customSecret: 'nope-nope-nope-nope' }), status: 401, reason: /x-bcsync-secret/ },
    {
      name: 'unsigned',
      send: (u, s) => send(u, body(s, 9103), { 'content-type': 'application/json', 'x-bcsync-secret': deliveryHeaders('')['x-bcsync-secret']! }),
      status: 401,
      reason: /missing webhook-id/,
    },
    { name: 'signed with another secret', send: (u, s) => signed(u, body(s, 9104), { clientSecret: 'someone-elses-secret' }), status: 401, reason: /does not match/ },
    {
      name: 'signature of another body',
      send: (u, s) => send(u, body(s, 9105), deliveryHeaders(body(s, 9199))),
      status: 401,
      reason: /does not match/,
    },
    { name: 'stale timestamp (10 min old)', send: (u, s) => signed(u, body(s, 9106), { timestampS: now() - 600 }), status: 401, reason: /within 5 minutes/ },
    { name: 'future timestamp (10 min ahead)', send: (u, s) => signed(u, body(s, 9107), { timestampS: now() + 600 }), status: 401, reason: /within 5 minutes/ },
    { name: 'malformed JSON', send: (u) => signed(u, '{"scope": "store/order/created", '), status: 400, reason: /not valid JSON/ },
    { name: 'missing data', send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9109), data: undefined })), status: 400, reason: /data/ },
    { name: 'hash not 40 hex digits', send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9110), hash: 'h'.repeat(5000) })), status: 400, reason: /hash/ },
    { name: 'overlong scope', send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9111), scope: `store/order/${'x'.repeat(200)}` })), status: 400, reason: /scope/ },
    { name: 'order id not a number', send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9112), data: { type: 'order', id: 'abc' } })), status: 400, reason: /data\.id/ },
    {
      name: 'deeply nested',
      send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9113), data: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) })),
      status: 400,
      reason: /deeper/,
    },
    {
      name: 'over 16 KB',
      send: (u, s) => signed(u, JSON.stringify({ ...validPayload(s, 9114), data: { type: 'order', id: 9114, pad: 'x'.repeat(20_000) } })),
      status: 413,
      reason: /too large/,
    },
  ];

  for (const c of cases) {
    it(`${c.name} -> ${c.status}`, async () => {
      const res = await c.send(stack.apiUrl, stack.storeHash);
      expect(res.status).toBe(c.status);
      expect(res.body.reason).toMatch(c.reason);
    });
  }

  it('a gzip bomb stops at the size limit after decompression: 413', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const headers = { ...deliveryHeaders('x'), 'content-encoding': 'gzip' };
    const res = await fetch(`${stack.apiUrl}/webhooks/bigcommerce`, { method: 'POST', headers, body: bomb });
    expect(res.status).toBe(413);
  });

  it('a valid event the product does not handle gets 200 (the hook stays healthy) and starts nothing', async () => {
    const res = await signed(stack.apiUrl, JSON.stringify({ ...validPayload(stack.storeHash, 1), scope: 'store/cart/created', data: { type: 'cart', id: 'abc' } }));
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(false);
  });

  it('a signed delivery replayed inside the window is a duplicate: 200, no second signal', async () => {
    const b = body(stack.storeHash, 515151);
    const headers = deliveryHeaders(b);
    const first = await send(stack.apiUrl, b, headers);
    expect(first).toMatchObject({ status: 200, body: { accepted: true } });
    const replay = await send(stack.apiUrl, b, headers);
    expect(replay).toMatchObject({ status: 200, body: { accepted: true, duplicate: true } });
    const handle = stack.client.workflow.getHandle(`order:${stack.storeHash}:515151`);
    const signals = (await handle.fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    expect(signals).toBe(1);
    await handle.terminate('test control');
  });

  it('no body was parsed before its sender was authenticated', async () => {
    expect(await counterValue(bodiesParsed, { route: 'bigcommerce', authenticated: 'no' })).toBe(0);
    expect(await counterValue(bodiesParsed, { route: 'bigcommerce', authenticated: 'yes' })).toBeGreaterThan(0);
  });

  it('none of the rejected requests started a workflow, while a valid one does', async () => {
    // Control: the same endpoint, a valid body, does start one, so an empty list below means something.
    const ok = await postDelivery(`${stack.apiUrl}/webhooks/bigcommerce`, validPayload(stack.storeHash, 424242));
    expect(ok.status).toBe(200);
    const ids = await eventually(async () => {
      const found = await workflowsOfStore(stack.storeHash);
      return found.includes(`order:${stack.storeHash}:424242`) ? found : undefined;
    }, 'the control workflow to be visible');
    expect(ids.filter((id) => /:9[12]\d\d$/.test(id))).toEqual([]);
    await stack.client.workflow.getHandle(`order:${stack.storeHash}:424242`).terminate('test control');
  });
});

describe('rotation, log mode and signatures off', () => {
  it('during a rotation both client secrets verify, a third does not', async () => {
    await withApi(
      (c) => ({ ...c, stores: c.stores.map((s) => ({ ...s, clientSecrets: ['the-new-client-secret', TEST_CLIENT_SECRET] })) }),
      async (url) => {
        const cart = (n: number) => JSON.stringify({ ...validPayload(stack.storeHash, n), scope: 'store/cart/created', data: { type: 'cart', id: String(n) } });
        expect((await signed(url, cart(1), { clientSecret: 'the-new-client-secret' })).status).toBe(200);
        expect((await signed(url, cart(2), { clientSecret: TEST_CLIENT_SECRET })).status).toBe(200);
        expect((await signed(url, cart(3), { clientSecret: 'a-third-secret' })).status).toBe(401);
      },
    );
  });

  it('log mode lets an unsigned delivery through and counts it', async () => {
    const before = await counterValue(webhookSignatureChecks, { sender: 'bigcommerce', outcome: 'missing_headers', refused: 'false' });
    await withApi(
      (c) => ({ ...c, webhookSignatures: 'log' }),
      async (url) => {
        const b = JSON.stringify({ ...validPayload(stack.storeHash, 3), scope: 'store/cart/created', data: { type: 'cart', id: '3' } });
        const { 'x-bcsync-secret': custom } = deliveryHeaders(b);
        const res = await send(url, b, { 'content-type': 'application/json', 'x-bcsync-secret': custom! });
        expect(res.status).toBe(200);
      },
    );
    expect(await counterValue(webhookSignatureChecks, { sender: 'bigcommerce', outcome: 'missing_headers', refused: 'false' })).toBe(before + 1);
  });

  it("signed with one store's secret, naming another store we sync: 401; naming a store we do not sync: 200 ignored", async () => {
    await withApi(
      (c) => ({ ...c, stores: [...c.stores, { ...c.stores[0]!, storeHash: 'storeb', clientSecrets: ['store-b-client-secret'] }] }),
      async (url) => {
        const other = await signed(url, JSON.stringify(validPayload('storeb', 9108)));
        expect(other).toMatchObject({ status: 401, body: { reason: expect.stringMatching(/another store/) } });
        const unknown = await signed(url, JSON.stringify(validPayload('someoneelse', 9108)));
        expect(unknown).toMatchObject({ status: 200, body: { accepted: false, ignored: expect.stringMatching(/someoneelse/) } });
      },
    );
  });

  it('with signatures off, a delivery for a store we do not sync gets 2xx (BigCommerce blocklists domains with too many 4xx), ignored', async () => {
    await withApi(
      (c) => ({ ...c, webhookSignatures: 'off' }),
      async (url) => {
        const res = await signed(url, JSON.stringify(validPayload('someoneelse', 9004)));
        expect(res).toMatchObject({ status: 200, body: { accepted: false, ignored: expect.stringMatching(/someoneelse/) } });
      },
    );
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
      const res = await postDelivery(`${api.url}/webhooks/bigcommerce`, validPayload(stack.storeHash, 77));
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
