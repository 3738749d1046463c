import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CatalogCursor, ParkedItem } from '../../domain/catalog/item';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `catalogSync`, the store's catalog from the ERP (`catalog:<storeHash>`): its id,
 * queue, input, state, signals, query and update.
 */

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

export interface CatalogRunRequest {
  reason: string;
  /** Read changes from here (ms) instead of the watermark, when earlier; 0 = a full sync. */
  sinceMs?: number;
}

/** Ops decide on parked items: sync them again now (read afresh from the ERP), or accept them as they are. */
export interface CatalogDecision {
  action: 'retry' | 'skip';
  /** Which parked SKUs; all of them when left out. */
  skus?: string[];
  note?: string;
}

export interface CatalogCounts {
  pages: number;
  items: number;
  unchanged: number;
  productsCreated: number;
  productsUpdated: number;
  variantsWritten: number;
  priceRecords: number;
  parked: number;
  bcCalls: number;
}

export interface CatalogSyncState {
  /** Every change up to here has been read and written (or parked). Null before the first run. */
  watermark: CatalogCursor | null;
  runs: number;
  /** The run in progress: its cursor is checkpointed after each page, so a restart resumes at that page. */
  running: {
    reason: string;
    startedAt: string;
    cursor: CatalogCursor;
    counts: CatalogCounts;
    /** When the last page was checkpointed (absent before the first, and in state carried from before 2026-11-28): the stall check's clock. */
    progressAt?: string;
  } | null;
  lastRun: { reason: string; startedAt: string; endedAt: string; counts: CatalogCounts } | null;
  /** Items BigCommerce refused or that cannot map, with why; retried by ops (`decide`) or fixed by a later change. */
  parked: ParkedItem[];
  /** Requests that arrived while a run was going (carried over continue-as-new). */
  queued: CatalogRunRequest[];
  decisions: CatalogDecision[];
}

export const catalogRunSignal = defineSignal<[CatalogRunRequest]>('run');

export const catalogStateQuery = defineQuery<CatalogSyncState>('state');

export const catalogDecideSignal = defineSignal<[CatalogDecision]>('decide');

export const catalogDecideUpdate = defineUpdate<{ parked: ParkedItem[] }, [CatalogDecision]>('decide');

/** The scheduled tick that asks `catalog:<storeHash>` for a run. */
export const CATALOG_TICK_WORKFLOW = 'catalogTick';
export const catalogTickWorkflowId = (storeHash: string): string => `catalog-tick:${storeHash}`;
export const catalogScheduleId = (storeHash: string): string => `bcsync-catalog-${storeHash}`;
