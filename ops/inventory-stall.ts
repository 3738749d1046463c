import type { Client } from '@temporalio/client';
import { inventoryWorkflowId } from '../domain/ids';
import { inventorySummaryQuery } from '../workflows/inventory-sync';
import { queryLongLived, reasonOf } from './query-long-lived';

export interface InventoryStall {
  storeHash: string;
  /** Why it counts as stalled: a change waiting too long, or the workflow not answering its query. */
  why: string;
}

/**
 * A store's inventory sync that stopped making progress *without failing*: a change has waited
 * longer than `stallAfterMs` to be written (a write stuck behind a dead BigCommerce worker, say),
 * or the workflow does not answer its `summary` query in time (no worker runs its workflow task,
 * or that task keeps failing). A failed write already parks it as NeedsAttention; this catches
 * the silent cases. The age is measured with the real clock: a stuck workflow's own clock stops.
 */
export async function findInventoryStalls(client: Client, storeHashes: readonly string[], opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number }): Promise<InventoryStall[]> {
  const now = opts.nowMs ?? Date.now();
  const stalls: InventoryStall[] = [];
  for (const storeHash of storeHashes) {
    try {
      const summary = await queryLongLived(client, inventoryWorkflowId(storeHash), inventorySummaryQuery, opts.queryTimeoutMs);
      const since = summary?.waitingSince ? Date.parse(summary.waitingSince) : undefined;
      if (since !== undefined && now - since > opts.stallAfterMs) stalls.push({ storeHash, why: `a stock change has waited ${Math.round((now - since) / 1000)} s to be written (since ${summary!.waitingSince})` });
    } catch (err) {
      stalls.push({ storeHash, why: `inventory:${storeHash} does not answer its summary query: ${reasonOf(err)}` });
    }
  }
  return stalls;
}
