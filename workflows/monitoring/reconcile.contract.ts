import { defineQuery, defineSignal } from '@temporalio/workflow';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `reconcile`, the store's reconciliation of orders changed without a webhook
 * (`reconcile:<storeHash>`, woken by `reconcileTick` on a schedule and by ops): id, queue, input,
 * state, signal and query.
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const RECONCILE_WORKFLOW = 'reconcile';
/** Runs on the workers' workflow queue. */
export const reconcileTaskQueue = workflowTaskQueue;
export type ReconcileWorkflow = (input: ReconcileInput) => Promise<ReconcileState>;

export interface ReconcileInput {
  storeHash: string;
  overlapMs: number;
  initialLookbackMs: number;
  carried?: ReconcileState;
}

export interface ReconcileRequest {
  /** Reconcile from here (Unix s) instead of the watermark, when earlier. */
  sinceS?: number;
  reason: string;
}

export interface ReconcileState {
  /** The latest date_modified (Unix s) every order up to which has been handed to its workflow. */
  watermarkS: number | null;
  runs: number;
  lastRun: { reason: string; fromS: number; untilS: number; listed: number; pages: number; at: string } | null;
}

export const reconcileRequestSignal = defineSignal<[ReconcileRequest]>('request');

export const reconcileStateQuery = defineQuery<ReconcileState>('state');

export const reconcileWorkflowId = (storeHash: string) => `reconcile:${storeHash}`;

/** The scheduled tick that wakes `reconcile:<storeHash>` (the tick ends at once; reconcile runs on). */
export const RECONCILE_TICK_WORKFLOW = 'reconcileTick';
export const reconcileTickWorkflowId = (storeHash: string): string => `reconcile-tick:${storeHash}`;
export const reconcileScheduleId = (storeHash: string): string => `bcsync-reconcile-${storeHash}`;
