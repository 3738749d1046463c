import type { Client } from '@temporalio/client';
import { catalogStateQuery, catalogWorkflowId } from '../workflows/catalog-sync';
import { queryLongLived, reasonOf } from './query-long-lived';

export interface CatalogStall {
  storeHash: string;
  /** Why it counts as stalled: a run without a page checkpointed for too long, or no answer to its query. */
  why: string;
}

/**
 * A store's catalog run that stopped making progress *without failing*: no page checkpointed for
 * longer than `stallAfterMs` (a call stuck behind a dead worker, an ERP that answers nothing), or
 * `catalog:<store>` not answering its `state` query in time. An item BigCommerce refuses already
 * parks as NeedsAttention; this catches the silent cases. Measured with the real clock: a stuck
 * workflow's own clock stops. A page is at most `CATALOG_PAGE_SIZE` items (1000), tens to a few
 * hundred calls, so the default 30 minutes is far beyond a slow page even on a busy store.
 */
export async function findCatalogStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<CatalogStall[]> {
  const now = opts.nowMs ?? Date.now();
  const stalls: CatalogStall[] = [];
  for (const storeHash of storeHashes) {
    try {
      const running = (await queryLongLived(client, catalogWorkflowId(storeHash), catalogStateQuery, opts.queryTimeoutMs))?.running;
      if (!running) continue;
      const since = running.progressAt ?? running.startedAt;
      const age = now - Date.parse(since);
      if (age > opts.stallAfterMs) stalls.push({ storeHash, why: `the run (${running.reason}) has not finished a page for ${Math.round(age / 1000)} s (${running.progressAt ? 'last page' : 'started'} ${since}, ${running.counts.pages} pages done)` });
    } catch (err) {
      stalls.push({ storeHash, why: `catalog:${storeHash} does not answer its state query: ${reasonOf(err)}` });
    }
  }
  return stalls;
}
