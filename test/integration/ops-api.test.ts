import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server';
import type { Config } from '../../config/env';
import { catalogStateQuery, catalogWorkflowId } from '../../workflows/catalog/catalog-sync.contract';
import { logger } from '../support/setup';
import { startStack, TEST_OPS_TOKEN, type Stack } from '../support/stack';
import { payloadValue } from '../support/temporal';
import { runCatalog } from '../support/store-calls';
import type { Json } from '../support/json';

/**
 * The ops API's guards against the real stack: named, store-scoped tokens (OPS_TOKENS), who decided
 * in the workflow's history, JSON bodies only, a bounded `since`, and /metrics and /readyz behind
 * METRICS_TOKEN. A second API over the stack's Temporal and workers carries those settings (the
 * store's hash is only known once the stack runs).
 */
const BOB = 'bob-token-for-this-store-0123';
const ALICE = 'alice-token-for-another-store-0123';
const METRICS = 'metrics-token-0123456789';
let stack: Stack;
let api: { url: string; close(): Promise<void> };
beforeAll(async () => {
  stack = await startStack({ CATALOG_OVERLAP: '0s' });
  const config: Config = {
    ...stack.config,
    api: {
      ...stack.config.api,
      metricsToken: METRICS,
      opsTokens: [
        { name: 'bob', token: BOB, stores: [stack.storeHash] },
        { name: 'alice', token: ALICE, stores: ['someotherstore'] },
      ],
    },
  };
  const server = await startApiServer(config, { client: stack.client, connection: stack.connection, logger, host: '127.0.0.1', port: 0 });
  api = server;
});
afterAll(async () => {
  await api?.close();
  await stack?.close();
});

const post = (path: string, token: string, body: string | undefined, type: string | undefined = 'application/json') =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) }, body });
const parked = async () => (await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).query(catalogStateQuery)).parked.map((p) => p.sku).sort();
const reason = async (res: Response) => ((await res.json()) as Json).reason as string;

describe('the ops API with named, store-scoped tokens', () => {
  it('refuses a non-JSON skip (415) and another store (403) without touching parked items; a decision records who made it', async () => {
    // Two products whose names are taken in the store: BigCommerce refuses both, they park.
    const seeded = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/catalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          { sku: 'GUARD-1', displayName: 'Titanium Camp Mug', weight: 1, prices: { 'Base Price': 11 } },
          { sku: 'GUARD-2', displayName: 'Headlamp 400', weight: 1, prices: { 'Base Price': 12 } },
        ],
      }),
    });
    expect(seeded.ok).toBe(true);
    await runCatalog(stack, 'test: ops guards');
    expect(await parked()).toEqual(['GUARD-1', 'GUARD-2']);
    const skip = `/ops/catalog/${stack.storeHash}/skip`;

    // A form or text body used to arrive as {} and skip every parked item.
    for (const [body, type] of [
      ['skus=GUARD-1', 'text/plain'],
      ['skus=GUARD-1', 'application/x-www-form-urlencoded'],
      ['{"skus":["GUARD-1"]}', 'text/plain'],
    ] as const) {
      const res = await post(skip, BOB, body, type);
      expect(res.status, type).toBe(415);
      expect(await reason(res)).toMatch(/Content-Type: application\/json/);
    }
    expect((await post(skip, BOB, undefined)).status).toBe(400); // no body: "every item" must be said with {}
    expect(await parked()).toEqual(['GUARD-1', 'GUARD-2']);

    // Alice's token is for another store: 403 on every route naming this one, and her list is empty.
    for (const res of [
      await post(skip, ALICE, '{}'),
      await post(`/ops/orders/${stack.storeHash}/1/skip`, ALICE, '{}'),
      await post('/ops/reconcile', ALICE, JSON.stringify({ store: stack.storeHash })),
      await fetch(`${api.url}/ops/attention?store=${stack.storeHash}`, { headers: { authorization: `Bearer ${ALICE}` } }),
    ]) {
      expect(res.status).toBe(403);
      expect(await reason(res)).toBe(`the token alice is not for store ${stack.storeHash}`);
    }
    const alices = (await (await fetch(`${api.url}/ops/attention`, { headers: { authorization: `Bearer ${ALICE}` } })).json()) as Json;
    expect(alices).toEqual({ count: 0, items: [] });
    expect(await parked()).toEqual(['GUARD-1', 'GUARD-2']);
    // Bob's, without `store`: his store's parked items.
    const bobs = (await (await fetch(`${api.url}/ops/attention`, { headers: { authorization: `Bearer ${BOB}` } })).json()) as Json;
    expect(
      bobs.items
        .filter((i: Json) => i.storeHash === stack.storeHash)
        .map((i: Json) => i.sku)
        .sort(),
    ).toEqual(['GUARD-1', 'GUARD-2']);
    expect(bobs.items.every((i: Json) => i.storeHash === stack.storeHash)).toBe(true);

    // Bob skips one: the decision in the workflow's history says it was him.
    const res = await post(skip, BOB, JSON.stringify({ skus: ['GUARD-1'], note: 'name taken on purpose' }));
    expect(res.status).toBe(200);
    expect(await parked()).toEqual(['GUARD-2']);
    const history = await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).fetchHistory();
    // The history holds the decision encrypted; the test key opens it.
    const decisions = await Promise.all(
      (history.events ?? []).flatMap((e) => (e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []).map((p) => payloadValue<Json>(p))),
    );
    expect(decisions).toContainEqual({ action: 'skip', skus: ['GUARD-1'], note: 'name taken on purpose', by: 'bob' });
    // OPS_TOKEN still works, for every store, as `ops`.
    expect((await post(skip, TEST_OPS_TOKEN, '{}')).status).toBe(200);
    const all = await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).fetchHistory();
    const last = (all.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).at(-1);
    const payload = last?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0];
    expect(payload && (await payloadValue(payload))).toEqual({ action: 'skip', by: 'ops' });
    expect(await parked()).toEqual([]);
  });

  it('refuses a since older than OPS_RECONCILE_MAX_LOOKBACK or in the future (400)', async () => {
    const since = (ms: number) => JSON.stringify({ store: stack.storeHash, since: new Date(Date.now() + ms).toISOString() });
    const old = await post('/ops/reconcile', BOB, since(-31 * 86_400_000));
    expect(old.status).toBe(400);
    expect(await reason(old)).toMatch(/more than 30 days back \(OPS_RECONCILE_MAX_LOOKBACK\)/);
    const future = await post('/ops/reconcile', BOB, since(3_600_000));
    expect(future.status).toBe(400);
    expect(await reason(future)).toMatch(/in the future/);
    expect((await post('/ops/reconcile', BOB, since(-86_400_000))).status).toBe(202);
  });

  it('serves /metrics and /readyz only with METRICS_TOKEN; /healthz stays open', async () => {
    for (const path of ['/metrics', '/readyz']) {
      expect((await fetch(`${api.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${BOB}` } })).status, path).toBe(401);
      expect((await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${METRICS}` } })).status, path).toBe(200);
    }
    expect(await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })).text()).toContain('bcsync_');
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    // Unset (the stack's own API, as in the sandbox profile), they answer as before.
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(200);
  });
});
