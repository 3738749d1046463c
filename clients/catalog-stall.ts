import type { Client } from '@temporalio/client';
import { catalogStateQuery, catalogWorkflowId } from '../workflows/catalog/catalog-sync';
import { findStalls, type Stall } from './shared/query-long-lived';

export type CatalogStall = Stall;

/**
 * A store's catalog run that stopped making progress *without failing*: no page checkpointed for
 * longer than `stallAfterMs` (a call stuck behind a dead worker, an ERP that answers nothing), or
 * `catalog:<store>` not answering its `state` query in time. An item BigCommerce refuses already
 * parks as NeedsAttention; this catches the silent cases. Measured with the real clock: a stuck
 * workflow's own clock stops. A page is at most `CATALOG_PAGE_SIZE` items (1000), tens to a few
 * hundred calls, so the default 30 minutes is far beyond a slow page even on a busy store.
 */
export function findCatalogStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<CatalogStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: catalogWorkflowId, query: catalogStateQuery, queryTimeoutMs: opts.queryTimeoutMs }, ({ running }) => {
    if (!running) return undefined;
    const since = running.progressAt ?? running.startedAt;
    const age = now - Date.parse(since);
    return age > opts.stallAfterMs ? `the run (${running.reason}) has not finished a page for ${Math.round(age / 1000)} s (${running.progressAt ? 'last page' : 'started'} ${since}, ${running.counts.pages} pages done)` : undefined;
  });
}
