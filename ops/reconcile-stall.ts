import type { Client } from '@temporalio/client';
import { reconcileStateQuery, reconcileWorkflowId } from '../workflows/reconcile';
import { queryLongLived, reasonOf } from './query-long-lived';

export interface ReconcileStall {
  storeHash: string;
  /** Why it counts as stalled: no run finished for too long, or no answer to its query. */
  why: string;
}

/**
 * A store's reconciliation, the safety net for lost webhooks, that stopped without failing: its
 * last run finished longer than `stallAfterMs` ago (the schedule asks for one every
 * RECONCILE_INTERVAL; a run stuck behind a dead BigCommerce worker, or a paused schedule, stops
 * that), or `reconcile:<store>` does not answer its `state` query in time. Nothing fails or parks
 * when the net itself is gone, so nothing else would say so. Measured with the real clock.
 */
export async function findReconcileStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<ReconcileStall[]> {
  const now = opts.nowMs ?? Date.now();
  const stalls: ReconcileStall[] = [];
  for (const storeHash of storeHashes) {
    try {
      const last = (await queryLongLived(client, reconcileWorkflowId(storeHash), reconcileStateQuery, opts.queryTimeoutMs))?.lastRun;
      // Started, no run finished yet: the first run's age is not in the state; the query answering is what is checked.
      if (!last) continue;
      const age = now - Date.parse(last.at);
      if (age > opts.stallAfterMs) stalls.push({ storeHash, why: `no reconciliation run has finished for ${Math.round(age / 1000)} s (the last at ${last.at})` });
    } catch (err) {
      stalls.push({ storeHash, why: `reconcile:${storeHash} does not answer its state query: ${reasonOf(err)}` });
    }
  }
  return stalls;
}
