import type { Client } from '@temporalio/client';
import { reconcileStateQuery, reconcileWorkflowId } from '../workflows/monitoring/reconcile';
import { findStalls, type Stall } from './shared/query-long-lived';

export type ReconcileStall = Stall;

/**
 * A store's reconciliation, the safety net for lost webhooks, that stopped without failing: its
 * last run finished longer than `stallAfterMs` ago (the schedule asks for one every
 * RECONCILE_INTERVAL; a run stuck behind a dead BigCommerce worker, or a paused schedule, stops
 * that), or `reconcile:<store>` does not answer its `state` query in time. Nothing fails or parks
 * when the net itself is gone, so nothing else would say so. Measured with the real clock.
 */
export function findReconcileStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<ReconcileStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: reconcileWorkflowId, query: reconcileStateQuery, queryTimeoutMs: opts.queryTimeoutMs }, ({ lastRun }) => {
    // Started, no run finished yet: the first run's start is not in the state; the query answering is what is checked.
    if (!lastRun) return undefined;
    const age = now - Date.parse(lastRun.at);
    return age > opts.stallAfterMs ? `no reconciliation run has finished for ${Math.round(age / 1000)} s (the last at ${lastRun.at})` : undefined;
  });
}
