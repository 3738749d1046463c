import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ParkedItem } from '../../domain/catalog/item';
import type { CatalogCounts, CatalogDecision, CatalogLastRun, CatalogRun, CatalogRunRequest, CatalogSyncState } from '../../domain/catalog/sync-state';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `catalogSync`, the store's catalog from the ERP (`catalog:<storeHash>`): its id,
 * queue, input, state, signals, query and update. The state's types live with its decisions in
 * domain/catalog/sync-state.ts; callers import them from here.
 */

export type { CatalogCounts, CatalogDecision, CatalogLastRun, CatalogRun, CatalogRunRequest, CatalogSyncState };

/** The workflow type, as registered by the workers and started by name from outside. */
export const CATALOG_SYNC_WORKFLOW = 'catalogSync';
/** Runs on the workers' workflow queue. */
export const catalogSyncTaskQueue = workflowTaskQueue;
export type CatalogSyncWorkflow = (input: CatalogSyncInput) => Promise<CatalogSyncState>;

export const catalogWorkflowId = (storeHash: string) => `catalog:${storeHash}`;

export interface CatalogSyncInput {
  storeHash: string;
  erpTaskQueue: string;
  /** ERP rows per page (SuiteQL's maximum is 1000). */
  pageSize: number;
  /** A new run starts this long before the watermark: a change stamped in the same instant as the last row read is not missed. */
  overlapMs: number;
  /** History events after which the run continues as new between pages (default 8,000; Temporal warns at 10,240). */
  renewAfterEvents?: number;
  carried?: CatalogSyncState;
}

export const catalogRunSignal = defineSignal<[CatalogRunRequest]>('run');

export const catalogStateQuery = defineQuery<CatalogSyncState>('state');

export const catalogDecideSignal = defineSignal<[CatalogDecision]>('decide');

export const catalogDecideUpdate = defineUpdate<{ parked: ParkedItem[] }, [CatalogDecision]>('decide');

/** The scheduled tick that asks `catalog:<storeHash>` for a run. */
export const CATALOG_TICK_WORKFLOW = 'catalogTick';
export const catalogTickWorkflowId = (storeHash: string): string => `catalog-tick:${storeHash}`;
export const catalogScheduleId = (storeHash: string): string => `bcsync-catalog-${storeHash}`;
