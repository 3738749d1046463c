import { condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CatalogBcActivities, CatalogControlActivities, CatalogErpActivities } from '../../activities/catalog/catalog';
import type { CatalogItem } from '../../domain/catalog/item';
import {
  catalogDetails,
  catalogSearchAttributes,
  chosenParked,
  emptyCatalogState,
  endRun,
  idle,
  nextRun,
  parkAfterPage,
  renewDue,
  retryReads,
  validateCatalogDecision,
  withoutParked,
  withoutVanished,
  zeroCounts,
  type CatalogCounts,
  type CatalogDecision,
} from '../../domain/catalog/sync-state';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { BcErrorType, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import { handleDecisions } from '../shared/decisions';
import { ensureSearchAttributes, searchAttributePublisher } from '../shared/search-attributes';
import { catalogPageWriter } from './catalog-page';
import { catalogDecideSignal, catalogDecideUpdate, catalogRunSignal, catalogStateQuery, type CatalogSyncInput, type CatalogSyncState } from './catalog-sync.contract';

/**
 * The catalog of one store, ERP -> BigCommerce (`catalog:<storeHash>`, type `catalogSync`), always
 * running and holding its watermark, like `reconcile:<storeHash>`. The schedule
 * `bcsync-catalog-<storeHash>` (and an ERP `item.changed` event) wake it. A run pages through the
 * items changed since the watermark (1000 a page), and for each page reads what BigCommerce has for
 * those SKUs, computes the difference and writes only that (catalog-page.ts): products 10 a call,
 * variants 50, price records 1000 (2 in flight). Items BigCommerce refuses are parked with the
 * reason; the rest lands. The cursor is checkpointed after each page, and the history is renewed
 * (continue-as-new) between pages, so a run survives worker kills and Temporal restarts and resumes
 * at its page. The state and its decisions are in domain/catalog/sync-state.ts.
 */
export async function catalogSync(input: CatalogSyncInput): Promise<CatalogSyncState> {
  const { storeHash } = input;
  const state: CatalogSyncState = input.carried ?? emptyCatalogState();
  let deciding = false;
  setHandler(catalogStateQuery, () => state);
  setHandler(catalogRunSignal, (r) => void state.queued.push(r));
  handleDecisions({
    signal: catalogDecideSignal,
    update: catalogDecideUpdate,
    // Kept in the state: decisions not taken yet go across continue-as-new.
    queue: state.decisions,
    busy: () => deciding,
    answer: () => ({ parked: state.parked }),
    validate: (d) => validateCatalogDecision(d, state.parked.length),
  });

  const bc = proxyActivities<CatalogBcActivities>({
    taskQueue: bigCommerceTaskQueue(storeHash),
    // Behind orders and reconciliation on the store's queue: a price can wait, an order cannot.
    priority: PRIORITY.batch,
    startToCloseTimeout: '1m',
    // One call per activity beating twice a second: a killed worker's call moves on within 2 s.
    heartbeatTimeout: '2s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    summary: `catalog call to BigCommerce (store ${storeHash})`,
  });
  const erp = proxyActivities<CatalogErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '2m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
    summary: 'read changed catalog items from the ERP',
  });
  const writePage = catalogPageWriter(bc);

  ensureSearchAttributes(BcStoreHash, [{ key: BcStoreHash, value: storeHash }]);
  const publishAttributes = searchAttributePublisher((attrs: { status: string; error: string }) => [
    { key: BcSyncStatus, value: attrs.status || null },
    { key: BcErrorType, value: attrs.error || null },
  ]);
  const publish = () => {
    publishAttributes(catalogSearchAttributes(state));
    setCurrentDetails(catalogDetails(state, storeHash));
  };
  const renew = () => renewDue(workflowInfo(), input.renewAfterEvents);

  /** Writes one page of changed items; what BigCommerce refused is parked, what landed leaves the parked list. */
  async function syncItems(items: CatalogItem[], counts: CatalogCounts): Promise<void> {
    const refused = await writePage(items, counts);
    state.parked = parkAfterPage(state.parked, items, refused, new Date().toISOString());
  }

  /** Pages from the running cursor to the end of the change feed, checkpointing after each page. */
  async function run(): Promise<'done' | 'renew'> {
    const running = state.running!;
    for (;;) {
      const page = await erp.catalogReadChanges(running.cursor, input.pageSize);
      if (page.items.length) await syncItems(page.items, running.counts);
      running.counts.pages++;
      running.cursor = page.next;
      running.progressAt = new Date().toISOString();
      publish();
      if (!page.more) return 'done';
      if (renew()) return 'renew';
    }
  }

  /** Skip drops the chosen parked items; retry reads them again from the ERP and writes them. */
  async function decide(d: CatalogDecision): Promise<void> {
    const chosen = chosenParked(state.parked, d.skus);
    if (d.action === 'skip') {
      state.parked = withoutParked(state.parked, chosen);
      return;
    }
    const counts = zeroCounts();
    for (const part of retryReads(chosen)) {
      const items = await erp.catalogReadItems(part);
      state.parked = withoutVanished(state.parked, part, items);
      if (items.length) await syncItems(items, counts);
    }
  }

  publish();
  for (;;) {
    if (!state.running) {
      await condition(() => state.queued.length > 0 || state.decisions.length > 0);
      if (state.decisions.length) {
        deciding = true;
        await decide(state.decisions[0]!);
        state.decisions.shift();
        deciding = false;
        publish();
        continue;
      }
      state.running = nextRun(state.queued.splice(0), state.watermark, input.overlapMs, new Date().toISOString());
      publish();
    }
    if ((await run()) === 'renew') return await continueAsNew<typeof catalogSync>({ ...input, carried: state });
    Object.assign(state, endRun({ ...state, running: state.running! }, new Date().toISOString()));
    publish();
    if (renew() && idle(state)) return await continueAsNew<typeof catalogSync>({ ...input, carried: state });
  }
}

/** Run by the catalog schedule: wakes the store's catalog sync (which keeps the watermark). */
export async function catalogTick(input: { storeHash: string }): Promise<void> {
  const control = proxyActivities<CatalogControlActivities>({
    startToCloseTimeout: '1m',
    retry: { maximumAttempts: 10 },
    summary: `wake the catalog sync of store ${input.storeHash}`,
  });
  await control.requestCatalogRun(input.storeHash, { reason: 'schedule' });
}
