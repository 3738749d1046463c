import { defineQuery } from '@temporalio/workflow';
import type { TotalDifference } from '../../domain/orders/erp-total-repair';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `repairErpTotals` (`repair-erp-totals:<storeHash>`, `bcsync repair erp-totals`):
 * its id, queue, input, state and query.
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const REPAIR_ERP_TOTALS_WORKFLOW = 'repairErpTotals';
/** Runs on the workers' workflow queue. */
export const repairErpTotalsTaskQueue = workflowTaskQueue;
export type RepairErpTotalsWorkflow = (input: RepairErpTotalsInput) => Promise<RepairErpTotalsState>;

export interface RepairErpTotalsInput {
  storeHash: string;
  erpTaskQueue: string;
  /** Orders created in this window (Unix s) are checked. */
  fromS: number;
  untilS: number;
  /** Report only: nothing is written. */
  dryRun: boolean;
  /** After rewriting, how long to wait for the ERP's totals to come right before reporting. */
  verifyForMs: number;
  carried?: RepairErpTotalsState;
}

export interface RepairErpTotalsState {
  phase: 'checking' | 'verifying' | 'done';
  /** Orders up to this id have been checked. */
  afterId: number;
  pages: number;
  checked: number;
  notInErp: number;
  /** Open orders whose ERP total differed, with both figures as found. */
  found: TotalDifference[];
  /** Cancelled or declined orders whose (closed) ERP total differs: reported, not rewritten. */
  closedDifferent: TotalDifference[];
  /** After the rewrite: the ERP's total now, for each order found. */
  corrected: number[];
  stillDifferent: TotalDifference[];
}

export const repairStateQuery = defineQuery<RepairErpTotalsState>('state');

/** The repair of ERP totals of one store (`bcsync repair erp-totals`): one at a time per store. */
export const erpTotalRepairWorkflowId = (storeHash: string): string => `repair-erp-totals:${storeHash}`;
