import { type Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateStage } from '@temporalio/client';
import {
  catalogStateQuery,
  catalogWorkflowId,
  catalogDecideUpdate,
  catalogRunSignal,
  type CatalogDecision,
  type CatalogRunRequest,
  CATALOG_SYNC_WORKFLOW,
  CATALOG_TICK_WORKFLOW,
  catalogScheduleId,
  catalogTickWorkflowId,
  type CatalogSyncWorkflow,
} from '../workflows/catalog/catalog-sync.contract';
import { findStalls, type Stall } from './shared/query-long-lived';
import type { DesiredSchedule } from './shared/schedule';
import type { Config } from '../config/env';
import { skuKey } from '../domain/catalog/diff';
import type { ParkedItem } from '../domain/catalog/item';
import { DecisionRejected } from './attention';

/** Wakes a store's catalog sync (starting it if needed): from its watermark, or from `sinceMs`. */
export async function requestCatalogRun(client: Client, config: Config, storeHash: string, request: CatalogRunRequest): Promise<string> {
  const workflowId = catalogWorkflowId(storeHash);
  await client.workflow.signalWithStart<CatalogSyncWorkflow, [CatalogRunRequest]>(CATALOG_SYNC_WORKFLOW, {
    workflowId,
    taskQueue: config.temporal.workflowTaskQueue,
    args: [{ storeHash, erpTaskQueue: config.erp.taskQueue, pageSize: config.catalog.pageSize, overlapMs: config.catalog.overlapMs }],
    signal: catalogRunSignal,
    signalArgs: [request],
    staticSummary: `Catalog and prices of store ${storeHash}: ERP -> BigCommerce`,
  });
  return workflowId;
}

/**
 * Ops decide on a store's parked catalog items (the same `decide` update `bcsync catalog retry|skip`
 * sends): `retry` reads them again from the ERP and writes them, `skip` accepts them as they are.
 * Rejected (DecisionRejected) when nothing is parked, or when none of the given SKUs is. With
 * `waitMs`, gives up waiting after that long and answers `done: false`: the workflow has accepted the
 * decision and carries on (a retry of many items waits for the store's rate-limited queue).
 * Throws WorkflowNotFoundError when the store has no catalog workflow.
 */
export async function decideCatalog(
  client: Client,
  storeHash: string,
  /** `by`: who decided (the ops token's name); it goes with the decision into the workflow's history. */
  decision: CatalogDecision,
  opts: { waitMs?: number } = {},
): Promise<{ workflowId: string; done: true; parked: ParkedItem[] } | { workflowId: string; done: false }> {
  const workflowId = catalogWorkflowId(storeHash);
  const handle = client.workflow.getHandle(workflowId);
  if (decision.skus?.length) {
    // The workflow ignores SKUs that are not parked; say so instead of answering with a no-op.
    const parked = new Set((await handle.query(catalogStateQuery)).parked.map((p) => skuKey(p.sku)));
    if (!decision.skus.some((s) => parked.has(skuKey(s)))) throw new DecisionRejected(`none of ${decision.skus.join(', ')} is parked in ${workflowId}`);
  }
  try {
    const update = await handle.startUpdate(catalogDecideUpdate, { args: [decision], waitForStage: WorkflowUpdateStage.ACCEPTED });
    if (opts.waitMs === undefined) return { workflowId, done: true, ...(await update.result()) };
    try {
      return { workflowId, done: true, ...(await client.connection.withDeadline(Date.now() + opts.waitMs, () => update.result())) };
    } catch (err) {
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { workflowId, done: false };
      throw err;
    }
  } catch (err) {
    // The workflow's validator refused it (e.g. nothing is parked): the update's outcome is that failure.
    if (err instanceof WorkflowUpdateFailedError) throw new DecisionRejected(err.cause?.message ?? err.message);
    throw err;
  }
}

export type CatalogStall = Stall;

/**
 * A store's catalog run that stopped making progress *without failing*: no page checkpointed for
 * longer than `stallAfterMs` (a call stuck behind a dead worker, an ERP that answers nothing), or
 * `catalog:<store>` not answering its `state` query in time. An item BigCommerce refuses already
 * parks as NeedsAttention; this catches the silent cases. Measured with the real clock: a stuck
 * workflow's own clock stops. A page is at most `CATALOG_PAGE_SIZE` items (1000), tens to a few
 * hundred calls, so the default 30 minutes is far beyond a slow page even on a busy store.
 */
export function findCatalogStalls(
  client: Client,
  storeHashes: readonly string[],
  opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number },
): Promise<CatalogStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: catalogWorkflowId, query: catalogStateQuery, queryTimeoutMs: opts.queryTimeoutMs }, ({ running }) => {
    if (!running) return undefined;
    const since = running.progressAt ?? running.startedAt;
    const age = now - Date.parse(since);
    return age > opts.stallAfterMs
      ? `the run (${running.reason}) has not finished a page for ${Math.round(age / 1000)} s (${running.progressAt ? 'last page' : 'started'} ${since}, ${running.counts.pages} pages done)`
      : undefined;
  });
}

/** The catalog's schedule, per store: a tick that wakes the store's catalog sync. */
export function catalogSchedules(config: Config): DesiredSchedule[] {
  return config.stores.map(({ storeHash }) => ({
    id: catalogScheduleId(storeHash),
    everyMs: config.catalog.intervalMs,
    workflowType: CATALOG_TICK_WORKFLOW,
    workflowId: catalogTickWorkflowId(storeHash),
    args: [{ storeHash }],
    summary: `Catalog and prices of store ${storeHash}: ERP -> BigCommerce, what changed since the watermark`,
  }));
}
