import type { Client } from '@temporalio/client';
import { inventoryWorkflowId } from '../domain/shared/ids';
import { inventorySummaryQuery } from '../workflows/inventory/inventory-sync';
import { findStalls, type Stall } from './shared/query-long-lived';

export type InventoryStall = Stall;

/**
 * A store's inventory sync that stopped making progress *without failing*: a change has waited
 * longer than `stallAfterMs` to be written (a write stuck behind a dead BigCommerce worker, say),
 * or the workflow does not answer its `summary` query in time (no worker runs its workflow task,
 * or that task keeps failing). A failed write already parks it as NeedsAttention; this catches
 * the silent cases. The age is measured with the real clock: a stuck workflow's own clock stops.
 */
export function findInventoryStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<InventoryStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: inventoryWorkflowId, query: inventorySummaryQuery, queryTimeoutMs: opts.queryTimeoutMs }, (summary) => {
    const since = summary.waitingSince ? Date.parse(summary.waitingSince) : undefined;
    return since !== undefined && now - since > opts.stallAfterMs ? `a stock change has waited ${Math.round((now - since) / 1000)} s to be written (since ${summary.waitingSince})` : undefined;
  });
}
