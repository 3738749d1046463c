import type { ErpRefundSyncInput } from './erp-refund-sync.contract';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `erpRefundSweep`, the scheduled sweep for ERP refunds whose events were missed
 * (schedule `bcsync-erp-refund-sweep-<storeHash>`, runs `erp-refund-sweep:<storeHash>`).
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const ERP_REFUND_SWEEP_WORKFLOW = 'erpRefundSweep';
/** Runs on the workers' workflow queue. */
export const erpRefundSweepTaskQueue = workflowTaskQueue;
export type ErpRefundSweepWorkflow = (input: ErpRefundSweepInput) => Promise<ErpRefundSweepResult>;

export interface ErpRefundSweepInput {
  storeHash: string;
  /** How far back the sweep looks for refunds and returns changed in the ERP. */
  lookbackMs: number;
  /** What each refund workflow it starts is given, less the record. */
  refund: Omit<ErpRefundSyncInput, 'storeHash' | 'recordType' | 'recordId'>;
}

export interface ErpRefundSweepResult {
  found: number;
  started: number;
  /** Already running (waiting for approval, parked): told to look again. */
  nudged: number;
}

export const erpRefundSweepWorkflowId = (storeHash: string): string => `erp-refund-sweep:${storeHash}`;
export const erpRefundSweepScheduleId = (storeHash: string): string => `bcsync-erp-refund-sweep-${storeHash}`;
