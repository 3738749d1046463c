import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runAttentionList } from '../../cli/ops';
import { listAttention } from '../../clients/attention';
import { decideCatalog } from '../../clients/catalog';
import { catalogWorkflowId, type CatalogSyncState } from '../../workflows/catalog/catalog-sync.contract';
import { eventually, startStack, TEST_OPS_TOKEN, type Stack } from '../support/stack';
import { runCatalog as runCatalogRun } from '../support/store-calls';
import type { Json } from '../support/json';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

/**
 * Parked catalog items where ops already look: GET /ops/attention (one item per parked SKU),
 * `bcsync attention list`, and POST /ops/catalog/<store>/retry|skip (the catalog `decide` update).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ CATALOG_OVERLAP: '0s' });
});
afterAll(async () => {
  await stack?.close();
});

const auth = () => ({ authorization: `Bearer ${TEST_OPS_TOKEN}`, 'content-type': 'application/json' });
const seedErp = async (items: unknown[]) => {
  const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  if (!res.ok) throw new Error(`seed: ${res.status} ${await res.text()}`);
};
const productBySku = async (sku: string): Promise<Json> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v3/catalog/products?sku=${encodeURIComponent(sku)}`, { headers: { 'x-auth-token': 'test-token' } });
  if (!res.ok) throw new Error(`GET product ${sku}: ${res.status}`);
  return ((await res.json()) as Json).data[0];
};
const handle = () => stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash));
const runCatalog = (reason: string): Promise<CatalogSyncState> => runCatalogRun(stack, reason);
const attention = async (query = ''): Promise<Json[]> => {
  const res = await fetch(`${stack.apiUrl}/ops/attention?store=${stack.storeHash}${query}`, { headers: auth() });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { count: number; items: Json[] };
  expect(body.count).toBe(body.items.length);
  return body.items;
};
const catalogItems = async (query = '') => (await attention(query)).filter((i) => i.workflowType === 'catalogSync').sort((a, b) => a.sku.localeCompare(b.sku));
const decideVia = (action: string, body?: unknown, store = stack.storeHash) =>
  fetch(`${stack.apiUrl}/ops/catalog/${store}/${action}`, {
    method: 'POST',
    headers: auth(),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

describe('parked catalog items in the ops attention list and the ops API', () => {
  it('the ops API refuses bad catalog decisions, and answers 404 while the store has no catalog workflow', async () => {
    expect((await fetch(`${stack.apiUrl}/ops/catalog/${stack.storeHash}/retry`, { method: 'POST' })).status).toBe(401);
    const none = await decideVia('retry', {});
    expect(none.status).toBe(404);
    expect(((await none.json()) as Json).reason).toContain(`no running catalog workflow for store ${stack.storeHash}`);
    expect((await decideVia('resolve', {})).status).toBe(404); // retry or skip only
    for (const [body, reason] of [
      [{ skus: [] }, /skus/],
      [{ skus: 'OPS-DUP' }, /skus/],
      [{ skus: [''] }, /skus\.0/],
      [{ skuMap: { A: 'B' } }, /skuMap|unrecognized/i],
      ['{"skus": [', /./],
    ] as const) {
      const res = await decideVia('skip', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as Json).reason, JSON.stringify(body)).toMatch(reason);
    }
  });

  it('each parked SKU is an attention item (API and CLI); ops retry one and skip the rest through the ops API', async () => {
    // OPS-DUP and OPS-DUP2 take the names of products already in the store: BigCommerce refuses both (409).
    await seedErp([
      { sku: 'OPS-1', displayName: 'Ops widget', weight: 1, prices: { 'Base Price': 10 } },
      { sku: 'OPS-DUP', displayName: 'Titanium Camp Mug', weight: 1, prices: { 'Base Price': 11 } },
      { sku: 'OPS-DUP2', displayName: 'Headlamp 400', weight: 1, prices: { 'Base Price': 12 } },
    ]);
    const state = await runCatalog('test: ops attention');
    expect(state.parked.map((p) => p.sku).sort()).toEqual(['OPS-DUP', 'OPS-DUP2']);
    expect(await productBySku('OPS-1')).toBeDefined();

    // GET /ops/attention lists them one per SKU, with the error type and BigCommerce's reason.
    const listed = await eventually(async () => {
      const items = await catalogItems();
      return items.length === 2 ? items : undefined;
    }, 'the parked catalog items in /ops/attention');
    for (const [i, sku] of ['OPS-DUP', 'OPS-DUP2'].entries()) {
      expect(listed[i]).toMatchObject({ workflowId: catalogWorkflowId(stack.storeHash), workflowType: 'catalogSync', storeHash: stack.storeHash, sku, errorType: 'BcConflict' });
      expect(listed[i].reason).toMatch(/name/i);
      expect(Date.parse(listed[i].parkedAt)).not.toBeNaN();
    }
    // details=1 (per-order state queries) leaves them as they are; limit counts them.
    expect((await catalogItems('&details=1')).map((i) => i.sku)).toEqual(['OPS-DUP', 'OPS-DUP2']);
    expect(await attention('&limit=1')).toHaveLength(1);
    expect((await listAttention(stack.client, { storeHash: `${stack.storeHash}x` })).filter((i) => i.workflowType === 'catalogSync')).toEqual([]);

    // `bcsync attention list` prints one line per parked SKU.
    const address = process.env.TEMPORAL_ADDRESS;
    const keys = process.env.TEMPORAL_PAYLOAD_KEYS;
    process.env.TEMPORAL_ADDRESS = inject('temporalAddress');
    process.env.TEMPORAL_PAYLOAD_KEYS = TEST_PAYLOAD_KEYS;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let printed = '';
    try {
      await runAttentionList({ store: stack.storeHash, json: false });
      printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    } finally {
      log.mockRestore();
      if (address === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = address;
      if (keys === undefined) delete process.env.TEMPORAL_PAYLOAD_KEYS;
      else process.env.TEMPORAL_PAYLOAD_KEYS = keys;
    }
    expect(printed).toMatch(new RegExp(`^catalog:${stack.storeHash}  OPS-DUP  BcConflict: .*name`, 'mi'));
    expect(printed).toMatch(new RegExp(`^catalog:${stack.storeHash}  OPS-DUP2  BcConflict: `, 'm'));
    expect(printed).toContain('2 catalog item(s) parked. Decide with: bcsync catalog retry|skip');

    // A SKU that is not parked is refused, not silently ignored.
    const notParked = await decideVia('retry', { skus: ['OPS-1'] });
    expect(notParked.status).toBe(409);
    expect(((await notParked.json()) as Json).reason).toContain('none of OPS-1 is parked');

    // Ops fix the name in the ERP and retry that SKU: it lands, the other stays parked.
    await seedErp([{ sku: 'OPS-DUP', displayName: 'Ops camp mug' }]);
    const retried = await decideVia('retry', { skus: ['OPS-DUP'], note: 'renamed in the ERP' });
    expect(retried.status).toBe(200);
    const retriedBody = (await retried.json()) as Json;
    expect(retriedBody).toMatchObject({ workflowId: catalogWorkflowId(stack.storeHash), action: 'retry' });
    expect(retriedBody.parked.map((p: Json) => p.sku)).toEqual(['OPS-DUP2']);
    expect(await productBySku('OPS-DUP')).toMatchObject({ name: 'Ops camp mug', price: 11 });
    const [stillParked] = await catalogItems();
    expect(stillParked.sku).toBe('OPS-DUP2');

    // A decision the workflow takes longer over than the API waits is accepted and carries on (the API answers 202).
    expect(await decideCatalog(stack.client, stack.storeHash, { action: 'retry', skus: ['OPS-DUP2'] }, { waitMs: 0 })).toEqual({
      workflowId: catalogWorkflowId(stack.storeHash),
      done: false,
    });
    const reparked = await eventually(async () => {
      const [item] = await catalogItems();
      return item && item.parkedAt > stillParked.parkedAt ? item : undefined;
    }, 'OPS-DUP2 retried and parked again (its name is still taken)');
    expect(reparked).toMatchObject({ sku: 'OPS-DUP2', errorType: 'BcConflict' });

    // Skip with `{}` (no skus): every parked item is accepted as it is and leaves the list. Without a body it is refused.
    expect((await decideVia('skip')).status).toBe(400);
    const skipped = await decideVia('skip', {});
    expect(skipped.status).toBe(200);
    expect(((await skipped.json()) as Json).parked).toEqual([]);
    expect(await productBySku('OPS-DUP2')).toBeUndefined();
    await eventually(async () => ((await catalogItems()).length === 0 ? true : undefined), 'no catalog item in /ops/attention');
    expect((await handle().describe()).searchAttributes.BcSyncStatus).toEqual(['Synced']);

    // Nothing left to decide: the workflow's validator refuses it.
    const again = await decideVia('skip', {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).reason).toContain('nothing to decide');
  });
});
