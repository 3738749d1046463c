import type { Client, WorkflowSignalWithStartOptions } from '@temporalio/client';
import type { Config } from '../config/env';
import {
  INVENTORY_SWEEP_TICK_WORKFLOW,
  INVENTORY_SYNC_WORKFLOW,
  inventorySummaryQuery,
  inventorySweepScheduleId,
  inventorySweepTickWorkflowId,
  inventoryWorkflowId,
  type InventorySyncInput,
} from '../workflows/inventory/inventory-sync.contract';
import { BcStoreHash } from '../domain/shared/search-attributes';
import { findStalls, type Stall } from './shared/query-long-lived';
import type { DesiredSchedule } from './shared/schedule';

export type InventoryStall = Stall;

/**
 * A store's inventory sync that stopped making progress *without failing*: a change has waited
 * longer than `stallAfterMs` to be written (a write stuck behind a dead BigCommerce worker, say),
 * or the workflow does not answer its `summary` query in time (no worker runs its workflow task,
 * or that task keeps failing). A failed write already parks it as NeedsAttention; this catches
 * the silent cases. The age is measured with the real clock: a stuck workflow's own clock stops.
 */
export function findInventoryStalls(
  client: Client,
  storeHashes: readonly string[],
  opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number },
): Promise<InventoryStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: inventoryWorkflowId, query: inventorySummaryQuery, queryTimeoutMs: opts.queryTimeoutMs }, (summary) => {
    const since = summary.waitingSince ? Date.parse(summary.waitingSince) : undefined;
    return since !== undefined && now - since > opts.stallAfterMs
      ? `a stock change has waited ${Math.round((now - since) / 1000)} s to be written (since ${summary.waitingSince})`
      : undefined;
  });
}

/** The store's inventorySync input, from configuration. */
export function inventorySyncInput(config: Config, storeHash: string): InventorySyncInput {
  const inv = config.inventory;
  return {
    storeHash,
    erpTaskQueue: config.erp.taskQueue,
    locations: inv.locations,
    orderLocation: inv.orderLocation,
    safetyBuffer: inv.safetyBuffer,
    quietMs: inv.quietMs,
    maxWaitMs: inv.maxWaitMs,
    bookingWaitMs: inv.bookingWaitMs,
    pendingTtlMs: inv.pendingTtlMs,
    applyMarginMs: inv.applyMarginMs,
    sweep: { overlapMs: inv.sweepOverlapMs, initialLookbackMs: inv.sweepLookbackMs },
  };
}

/** Signal-with-start the store's `inventory:<storeHash>`: resolves once Temporal holds the signal. */
export async function signalInventory<Args extends unknown[]>(
  client: Client,
  config: Config,
  storeHash: string,
  signal: WorkflowSignalWithStartOptions<Args>['signal'],
  args: Args,
): Promise<void> {
  await client.workflow.signalWithStart(INVENTORY_SYNC_WORKFLOW, {
    workflowId: inventoryWorkflowId(storeHash),
    taskQueue: config.temporal.workflowTaskQueue,
    args: [inventorySyncInput(config, storeHash)],
    signal,
    signalArgs: args,
    typedSearchAttributes: [{ key: BcStoreHash, value: storeHash }],
    staticSummary: `Inventory ERP -> BigCommerce, store ${storeHash}: coalesced absolute writes`,
  });
}

/** Inventory's schedule, per store when inventory sync is on: the sweep for lost change events. */
export function inventorySchedules(config: Config): DesiredSchedule[] {
  if (!config.inventory.enabled) return [];
  return config.stores.map(({ storeHash }) => ({
    id: inventorySweepScheduleId(storeHash),
    everyMs: config.inventory.sweepIntervalMs,
    workflowType: INVENTORY_SWEEP_TICK_WORKFLOW,
    workflowId: inventorySweepTickWorkflowId(storeHash),
    args: [{ storeHash }],
    summary: `Inventory sweep of store ${storeHash}: ERP levels changed since the watermark (lost change events)`,
  }));
}
