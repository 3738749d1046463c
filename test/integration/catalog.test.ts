import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCatalogPlan } from '../../cli/catalog';
import {
  catalogDecideUpdate,
  catalogRunSignal,
  catalogStateQuery,
  catalogWorkflowId,
  type CatalogSyncState,
  CATALOG_SYNC_WORKFLOW,
  type CatalogSyncWorkflow,
  type CatalogRunRequest,
} from '../../workflows/catalog/catalog-sync.contract';
import { recordHistory } from '../support/histories';
import { eventually, startStack, type Stack } from '../support/stack';
import { postErp } from '../support/erp-push';
import { runCatalog as runCatalogRun } from '../support/store-calls';
import type { Json } from '../support/json';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ CATALOG_OVERLAP: '0s' });
});
afterAll(async () => {
  await stack?.close();
});

const bc = async (p: string): Promise<Json> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}${p}`, { headers: { 'x-auth-token': 'test-token' } });
  if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
  return res.json();
};
const seedErp = async (items: unknown[]) => {
  const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  if (!res.ok) throw new Error(`seed: ${res.status} ${await res.text()}`);
};
const handle = () => stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash));
const runCatalog = (reason: string): Promise<CatalogSyncState> => runCatalogRun(stack, reason);
const addBcFault = async (fault: Record<string, unknown>): Promise<Json> => {
  const res = await fetch(`${stack.sandboxes.bcUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`fault: ${res.status} ${await res.text()}`);
  return res.json();
};
const bcFaults = async (): Promise<Json[]> => ((await (await fetch(`${stack.sandboxes.bcUrl}/__sandbox/faults`)).json()) as Json).faults;
const productBySku = async (sku: string): Promise<Json> => (await bc(`/v3/catalog/products?sku=${encodeURIComponent(sku)}&include=variants`)).data[0];
const skus = Array.from({ length: 12 }, (_, i) => `CT-${i + 1}`);

describe('catalog and prices ERP -> BigCommerce', () => {
  it('a first full sync creates products (a matrix one with its variants) and price records; an item BigCommerce refuses parks alone', async () => {
    await seedErp([
      ...skus.map((sku, i) => ({ sku, displayName: `Catalog widget ${i + 1}`, weight: 1 + i, prices: { 'Base Price': 10 + i, Wholesale: 8 + i } })),
      { sku: 'CT-M', displayName: 'Catalog tee', matrixType: 'PARENT', weight: 0.3, prices: { 'Base Price': 20 } },
      ...['S', 'M', 'L'].map((size) => ({
        sku: `CT-M-${size}`,
        displayName: `Catalog tee ${size}`,
        matrixType: 'CHILD',
        parentSku: 'CT-M',
        options: { Size: size },
        weight: 0.3,
        prices: { 'Base Price': size === 'L' ? 22 : 20, Wholesale: 15 },
      })),
      // Mapping drift: the display name of a product already in the store, and BigCommerce product names are unique (409).
      { sku: 'CT-DUP', displayName: 'Titanium Camp Mug', weight: 1, prices: { 'Base Price': 5 } },
    ]);
    const state = await runCatalog('test: first sync');

    for (const [i, sku] of skus.entries()) {
      const p = await productBySku(sku);
      expect(p, sku).toBeDefined();
      expect([p.name, p.price, p.weight]).toEqual([`Catalog widget ${i + 1}`, 10 + i, 1 + i]);
    }
    const tee = await productBySku('CT-M');
    expect(tee.variants.map((v: Json) => [v.sku, v.price, v.option_values[0].label]).sort()).toEqual([
      ['CT-M-L', 22, 'L'],
      ['CT-M-M', 20, 'M'],
      ['CT-M-S', 20, 'S'],
    ]);
    const list = (await bc('/v3/pricelists?name=Wholesale')).data[0];
    expect(list).toBeDefined();
    const records = (await bc(`/v3/pricelists/${list.id}/records?limit=250&include=sku`)).data.filter((r: Json) => r.sku.startsWith('CT-'));
    expect(records.length).toBe(15);
    expect(records.find((r: Json) => r.sku === 'CT-M-S').price).toBe(15);
    expect(records.find((r: Json) => r.sku === 'CT-3').price).toBe(10);

    expect(await productBySku('CT-DUP')).toBeUndefined();
    expect(state.parked.map((p) => [p.sku, p.type])).toEqual([['CT-DUP', 'BcConflict']]);
    expect(state.lastRun!.counts).toMatchObject({ productsCreated: 13, parked: 1 });
    const desc = await handle().describe();
    expect(desc.searchAttributes.BcSyncStatus).toEqual(['NeedsAttention']);
    expect(desc.searchAttributes.BcErrorType).toEqual(['BcConflict']);
  });

  it('a changed batch with one invalid item lands all the others (207) and parks that one; ops retry and skip', async () => {
    const before = Object.fromEntries(await Promise.all(skus.map(async (sku) => [sku, await productBySku(sku)])));
    // 12 products change: batches of 10 and 2. CT-12 takes CT-2's name: BigCommerce refuses it alone.
    await seedErp([
      ...skus.slice(0, 11).map((sku, i) => ({ sku, prices: { 'Base Price': 100 + i, Wholesale: 90 + i } })),
      { sku: 'CT-12', displayName: 'Catalog widget 2', prices: { 'Base Price': 111 } },
      { sku: 'CT-M-S', prices: { 'Base Price': 25 } },
    ]);
    const state = await runCatalog('test: changes');

    for (const [i, sku] of skus.slice(0, 11).entries()) expect((await productBySku(sku)).price, sku).toBe(100 + i);
    const twelve = await productBySku('CT-12');
    expect([twelve.name, twelve.price]).toEqual([before['CT-12'].name, before['CT-12'].price]);
    expect((await productBySku('CT-M')).variants.find((v: Json) => v.sku === 'CT-M-S').price).toBe(25);
    expect(state.parked.map((p) => [p.sku, p.type]).sort()).toEqual([
      ['CT-12', 'BcConflict'],
      ['CT-DUP', 'BcConflict'],
    ]);
    expect(state.parked.find((p) => p.sku === 'CT-12')!.reason).toMatch(/name/i);
    // Only what changed was written: 12 products (2 calls), 1 variant, 11 wholesale records; nothing created.
    expect(state.lastRun!.counts).toMatchObject({ items: 13, productsCreated: 0, productsUpdated: 11, variantsWritten: 1, priceRecords: 11, parked: 1 });

    // Ops fix the name in the ERP, then retry the parked item; and accept the duplicate as it is.
    await seedErp([{ sku: 'CT-12', displayName: 'Catalog widget twelve' }]);
    const afterRetry = await handle().executeUpdate(catalogDecideUpdate, { args: [{ action: 'retry', skus: ['CT-12'] }] });
    expect(afterRetry.parked.map((p) => p.sku)).toEqual(['CT-DUP']);
    expect(await productBySku('CT-12')).toMatchObject({ name: 'Catalog widget twelve', price: 111 });
    const afterSkip = await handle().executeUpdate(catalogDecideUpdate, { args: [{ action: 'skip' }] });
    expect(afterSkip.parked).toEqual([]);
    await eventually(async () => ((await handle().describe()).searchAttributes.BcSyncStatus?.[0] === 'Synced' ? true : undefined), 'BcSyncStatus Synced');
    await recordHistory(handle(), 'catalog-sync-v1-parked-retried-skipped');
  });

  it('a run writes nothing that BigCommerce already has, and reads nothing when nothing changed', async () => {
    // CT-12's rename is after the watermark, but the retry above already wrote it: read, compared, left alone.
    const again = await runCatalog('test: already written');
    expect(again.lastRun!.counts).toMatchObject({ items: 1, unchanged: 1, productsCreated: 0, productsUpdated: 0, variantsWritten: 0, priceRecords: 0, parked: 0, bcCalls: 2 });
    const quiet = await runCatalog('test: quiet');
    expect(quiet.lastRun!.counts).toMatchObject({ items: 0, bcCalls: 0 });
  });

  it('bcsync catalog plan prints what the next run would change and writes nothing', async () => {
    await seedErp([{ sku: 'CT-5', prices: { 'Base Price': 555 } }]);
    const before = await productBySku('CT-5');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let printed = '';
    try {
      await runCatalogPlan(stack.config, stack.config.stores[0]!, { maxPages: 10, json: false, show: 50 });
      printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    } finally {
      log.mockRestore();
    }
    expect(printed).toContain(`update product CT-5 (#${before.id}): {"price":555}`);
    expect(printed).toMatch(/items=1 unchanged=0 productsCreated=0 productsUpdated=1 variantsWritten=0 priceRecords=0 parked=0/);
    expect((await productBySku('CT-5')).price).toBe(before.price);
    await runCatalog('test: after plan');
    expect((await productBySku('CT-5')).price).toBe(555);
  });

  it('a run renews its history between pages (continue-as-new) and carries on from its page', async () => {
    const id = catalogWorkflowId(stack.storeHash);
    await handle().terminate('test: start again with small pages');
    // Pages of 4 items and a renewal after every page: the 17 catalog items take 5 pages and 5 runs of the workflow.
    await stack.client.workflow.signalWithStart<CatalogSyncWorkflow, [CatalogRunRequest]>(CATALOG_SYNC_WORKFLOW, {
      workflowId: id,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [{ storeHash: stack.storeHash, erpTaskQueue: stack.config.erp.taskQueue, pageSize: 4, overlapMs: 0, renewAfterEvents: 1 }],
      signal: catalogRunSignal,
      signalArgs: [{ reason: 'test: small pages', sinceMs: 0 }],
    });
    const state = await eventually(
      async () => {
        const s = await handle().query(catalogStateQuery);
        return s.runs >= 1 && !s.running ? s : undefined;
      },
      'the paged run',
      60_000,
    );
    expect(state.lastRun!.counts).toMatchObject({ pages: 5, items: 17, productsCreated: 0 });
    expect(state.parked.map((p) => p.sku)).toEqual(['CT-DUP']);
    // Four renewals between the pages, and one after the run (its history is over the limit too).
    const chain = await eventually(async () => {
      const n = (await stack.client.workflow.count(`WorkflowId = "${id}" AND ExecutionStatus = "ContinuedAsNew"`)).count;
      return n >= 5 ? n : undefined;
    }, 'five continue-as-new runs');
    expect(chain).toBe(5);
  });

  it('a variant added to an existing matrix product names option value ids: a new size is created first, an existing one reused; a lost answer is adopted on retry', async () => {
    // The run before may still be renewing its history.
    await eventually(async () => ((await handle().query(catalogStateQuery)).running ? undefined : true), 'the catalog sync idle', 30_000);
    const hoodie = (size: string, colour: string) => ({
      sku: `CT-H-${size}-${colour.toUpperCase()}`,
      displayName: `Catalog hoodie ${size} ${colour}`,
      matrixType: 'CHILD',
      parentSku: 'CT-H',
      options: { Size: size, Colour: colour },
      weight: 0.6,
      prices: { 'Base Price': size === 'L' ? 44 : 40 },
    });
    await seedErp([{ sku: 'CT-H', displayName: 'Catalog hoodie', matrixType: 'PARENT', weight: 0.6, prices: { 'Base Price': 40 } }, hoodie('S', 'Red'), hoodie('M', 'Blue')]);
    await runCatalog('test: hoodie');
    const product = await productBySku('CT-H');
    expect(product.variants.map((v: Json) => v.sku).sort()).toEqual(['CT-H-M-BLUE', 'CT-H-S-RED']);
    const optionsOf = async () => Object.fromEntries((await bc(`/v3/catalog/products/${product.id}/options`)).data.map((o: Json) => [o.display_name, o]));
    const before = await optionsOf();
    expect(before.Size.option_values.map((v: Json) => v.label)).toEqual(['S', 'M']);
    expect(before.Colour.option_values.map((v: Json) => v.label)).toEqual(['Red', 'Blue']);

    // The answer to the first value create is lost (the value is made): the activity is retried, lists
    // the options again and must adopt that value, not make a second "L".
    const fault = await addBcFault({ method: 'POST', path: `^/v3/catalog/products/${product.id}/options/\\d+/values$`, status: 500, lostAnswer: true, times: 1 });
    // Size L is new to the Size option; S in Blue is a new combination of values the product has.
    await seedErp([hoodie('L', 'Red'), hoodie('S', 'Blue')]);
    const state = await runCatalog('test: hoodie gains a size');
    expect((await bcFaults()).find((f: Json) => f.id === fault.id)?.fired).toBe(1);

    const after = await optionsOf();
    expect(after.Size.id).toBe(before.Size.id);
    expect(after.Size.option_values.map((v: Json) => v.label)).toEqual(['S', 'M', 'L']);
    expect(after.Colour.option_values.map((v: Json) => v.label)).toEqual(['Red', 'Blue']);
    const valueId = (option: Json, label: string) => option.option_values.find((v: Json) => v.label === label).id;
    const variants = Object.fromEntries((await productBySku('CT-H')).variants.map((v: Json) => [v.sku, v]));
    const ids = (sku: string) => variants[sku].option_values.map((o: Json) => [o.option_id, o.id]).sort();
    const expected = (size: string, colour: string) =>
      [
        [after.Size.id, valueId(after.Size, size)],
        [after.Colour.id, valueId(after.Colour, colour)],
      ].sort();
    expect(ids('CT-H-L-RED')).toEqual(expected('L', 'Red'));
    expect(ids('CT-H-S-BLUE')).toEqual(expected('S', 'Blue'));
    // The new combination reuses the values the other variants carry.
    expect(valueId(after.Size, 'S')).toBe(valueId(before.Size, 'S'));
    expect(variants['CT-H-L-RED'].price).toBe(44);
    expect(state.parked.filter((p) => p.sku.startsWith('CT-H'))).toEqual([]);
    // Two variants written. The attempt that lost its answer reports no count; the retry's options read
    // counts with the products read and the batch PUT.
    expect(state.lastRun!.counts).toMatchObject({ variantsWritten: 2, parked: 0 });
    expect(state.lastRun!.counts.bcCalls).toBeGreaterThanOrEqual(3);
  });

  it('an ERP item.changed event wakes the catalog sync, which reads the change from the ERP itself', async () => {
    await seedErp([{ sku: 'CT-7', prices: { 'Base Price': 777 } }]);
    const res = await postErp(`${stack.apiUrl}/webhooks/erp`, { events: [{ type: 'item.changed', eventId: 'ev-ct-7', sku: 'CT-7', changedAt: new Date().toISOString() }] });
    expect(res.status).toBe(202);
    await eventually(async () => ((await productBySku('CT-7')).price === 777 ? true : undefined), 'CT-7 at 777 in BigCommerce', 30_000);
  });
});
