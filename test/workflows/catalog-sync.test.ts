import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogBcActivities, CatalogErpActivities } from '../../activities/catalog/catalog';
import type { ProductCreate } from '../../domain/catalog/diff';
import type { CatalogCursor, CatalogItem } from '../../domain/catalog/item';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import {
  CATALOG_SYNC_WORKFLOW,
  catalogDecideUpdate,
  catalogRunSignal,
  catalogStateQuery,
  catalogWorkflowId,
  type CatalogSyncInput,
  type CatalogSyncState,
  type CatalogSyncWorkflow,
} from '../../workflows/catalog/catalog-sync.contract';
import { recording, refusal, startTestbed, type StubCall, type Testbed, type TestQueues, until } from '../support/workflow-env';
import { argsOf, catalogItem, names } from './fixtures';

/**
 * catalogSync with its activities stubbed, on the time-skipping server: an item BigCommerce refuses
 * is parked with the reason while the rest of the page lands; ops retry it (read again from the
 * ERP) or skip it; and a run renewed between pages (continue-as-new) resumes at its cursor.
 */

type BcStubs = Pick<CatalogBcActivities, 'catalogReadProducts' | 'catalogCreateProduct'>;
type ErpStubs = CatalogErpActivities;

let bed: Testbed;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  bed = await startTestbed();
  env = bed.env;
});
afterAll(async () => {
  await bed?.close();
});

/**
 * The ERP's change feed is `world.items` (sorted by change), read a page at a time from the cursor;
 * BigCommerce has none of them, and creates each unless `world.refuse` names its SKU.
 */
function catalogActivities(q: TestQueues, calls: StubCall[], world: { items: CatalogItem[]; refuse: Set<string> }): Record<string, object> {
  const after = (c: CatalogCursor) => (i: CatalogItem) => i.modifiedMs > c.modifiedMs || (i.modifiedMs === c.modifiedMs && Number(i.erpId) > c.erpId);
  const erp: ErpStubs = {
    async catalogReadChanges(cursor, limit) {
      const rest = world.items.filter(after(cursor));
      const items = rest.slice(0, limit);
      const last = items.at(-1);
      return { items, more: rest.length > limit, next: last ? { modifiedMs: last.modifiedMs, erpId: Number(last.erpId) } : cursor };
    },
    async catalogReadItems(skus) {
      return world.items.filter((i) => skus.includes(i.sku));
    },
  };
  const bc: BcStubs = {
    async catalogReadProducts() {
      return [];
    },
    async catalogCreateProduct(create: ProductCreate) {
      if (world.refuse.has(create.sku))
        return { ok: false, parked: [{ sku: create.sku, type: 'BcConflict', reason: `a product named "${create.body.name}" already exists` }], calls: 1 };
      return { ok: true, productId: 9000 + world.items.findIndex((i) => i.sku === create.sku), variantIds: {}, adopted: false, calls: 1 };
    },
  };
  return { [bigCommerceTaskQueue(q.storeHash)]: recording(calls, bc), [q.erp]: recording(calls, erp) };
}

async function startCatalog(q: TestQueues, overrides: Partial<CatalogSyncInput> = {}): Promise<WorkflowHandle<CatalogSyncWorkflow>> {
  const input: CatalogSyncInput = { storeHash: q.storeHash, erpTaskQueue: q.erp, pageSize: 1000, overlapMs: 0, ...overrides };
  return env.client.workflow.start<CatalogSyncWorkflow>(CATALOG_SYNC_WORKFLOW, { workflowId: catalogWorkflowId(q.storeHash), taskQueue: q.workflows, args: [input] });
}

const waitFor = (handle: WorkflowHandle<CatalogSyncWorkflow>, what: string, done: (s: CatalogSyncState) => boolean) => until(() => handle.query(catalogStateQuery), done, what);
const created = (calls: StubCall[]) => argsOf(calls, 'catalogCreateProduct').map(([c]) => (c as ProductCreate).sku);

describe('catalogSync on the time-skipping server, activities stubbed', () => {
  it('parks an item BigCommerce refuses while the rest lands; a retry reads it again from the ERP and writes it', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { items: [catalogItem('TENT-2P', 1), catalogItem('STOVE-1', 2)], refuse: new Set(['STOVE-1']) };
    await bed.run(q, catalogActivities(q, calls, world), async () => {
      const handle = await startCatalog(q);
      await handle.signal(catalogRunSignal, { reason: 'test' });
      const parked = await waitFor(handle, 'the first run', (s) => s.runs === 1);
      expect(parked.parked).toEqual([{ sku: 'STOVE-1', type: 'BcConflict', reason: 'a product named "Item STOVE-1" already exists', at: expect.any(String) }]);
      expect(parked.lastRun!.counts).toMatchObject({ pages: 1, items: 2, productsCreated: 1, parked: 1 });
      expect(parked.watermark).toEqual({ modifiedMs: world.items[1]!.modifiedMs, erpId: 2 });
      // Creates go out side by side: in either order.
      expect(created(calls).sort()).toEqual(['STOVE-1', 'TENT-2P']);

      // The merchant renames the other product; ops retry: the parked SKU alone is read again and written.
      world.refuse.clear();
      const before = calls.length;
      const answer = await handle.executeUpdate(catalogDecideUpdate, { args: [{ action: 'retry' }] });
      expect(answer).toEqual({ parked: [] });
      expect(names(calls.slice(before))).toEqual(['catalogReadItems', 'catalogReadProducts', 'catalogCreateProduct']);
      expect(argsOf(calls, 'catalogReadItems')).toEqual([[['STOVE-1']]]);
      expect(created(calls).slice(2)).toEqual(['STOVE-1']);
      expect(await refusal(handle.executeUpdate(catalogDecideUpdate, { args: [{ action: 'retry' }] }))).toBe('nothing to decide: no catalog item is parked');
      await handle.terminate('test done');
    });
  });

  it('skip drops the chosen parked items without calling anyone; the others stay parked', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { items: [catalogItem('TENT-2P', 1), catalogItem('STOVE-1', 2), catalogItem('MUG-S', 3)], refuse: new Set(['STOVE-1', 'MUG-S']) };
    await bed.run(q, catalogActivities(q, calls, world), async () => {
      const handle = await startCatalog(q);
      await handle.signal(catalogRunSignal, { reason: 'test' });
      await waitFor(handle, 'two parked', (s) => s.runs === 1 && s.parked.length === 2);
      const before = calls.length;
      const answer = await handle.executeUpdate(catalogDecideUpdate, { args: [{ action: 'skip', skus: ['MUG-S'], note: 'discontinued' }] });
      expect(answer.parked.map((p) => p.sku)).toEqual(['STOVE-1']);
      expect(calls.length).toBe(before);
      expect((await handle.query(catalogStateQuery)).parked.map((p) => p.sku)).toEqual(['STOVE-1']);
      await handle.terminate('test done');
    });
  });

  it('a run renewed between pages (continue-as-new) resumes at its cursor with its counts, and ends with the watermark', async () => {
    const q = bed.queues();
    const calls: StubCall[] = [];
    const world = { items: [catalogItem('A-1', 1), catalogItem('B-2', 2), catalogItem('C-3', 3)], refuse: new Set(['B-2']) };
    await bed.run(q, catalogActivities(q, calls, world), async () => {
      // One item a page; renewed after every page.
      const handle = await startCatalog(q, { pageSize: 1, renewAfterEvents: 1 });
      const firstRun = (await handle.describe()).runId;
      await handle.signal(catalogRunSignal, { reason: 'test' });
      const done = await waitFor(handle, 'the run', (s) => s.runs === 1);
      expect((await env.client.workflow.getHandle(catalogWorkflowId(q.storeHash), firstRun).describe()).status.name).toBe('CONTINUED_AS_NEW');
      expect((await handle.describe()).runId).not.toBe(firstRun);
      // Each page once, from where the last one ended: nothing read or written twice across the renewals.
      expect(argsOf(calls, 'catalogReadChanges').map(([cursor]) => (cursor as CatalogCursor).erpId)).toEqual([0, 1, 2]);
      expect(created(calls)).toEqual(['A-1', 'B-2', 'C-3']);
      expect(done.lastRun!.counts).toMatchObject({ pages: 3, items: 3, productsCreated: 2, parked: 1 });
      expect(done.parked.map((p) => p.sku)).toEqual(['B-2']);
      expect(done.watermark).toEqual({ modifiedMs: world.items[2]!.modifiedMs, erpId: 3 });
      await handle.terminate('test done');
    });
  });
});
