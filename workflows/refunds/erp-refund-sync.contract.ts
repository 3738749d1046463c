import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { StepProblem } from '../shared/activity-step';
import type { BcRefundRequestItem, ErpRefund, ErpRefundType } from '../../domain/refunds/erp-refund';
import type { RefundDecision } from './refund-sync.contract';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `erpRefundSync`, one ERP cash refund or return authorization into BigCommerce
 * (`erp-refund:<storeHash>:<recordType>-<recordId>`): its id, queue, input, state, signals, query and update.
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const ERP_REFUND_SYNC_WORKFLOW = 'erpRefundSync';
/** Runs on the workers' workflow queue. */
export const erpRefundSyncTaskQueue = workflowTaskQueue;
export type ErpRefundSyncWorkflow = (input: ErpRefundSyncInput) => Promise<ErpRefundSyncState>;

export interface ErpRefundSyncInput {
  storeHash: string;
  recordType: ErpRefundType;
  recordId: string;
  erpTaskQueue: string;
  /** How long a step retries a transient failure before the refund parks. */
  retryWindowMs: number;
  /** A refund parked on a transient cause tries again by itself after this. */
  parkRetryMs: number;
}

/**
 * Refunded: BigCommerce refunded it and the ERP record names that refund. NotOurs: created from a
 * sales order of another store (or none of ours). AwaitingApproval: a return not approved yet; the
 * next event or sweep for it looks again. Cancelled: a return cancelled before approval.
 */
export type ErpRefundStatus = 'Reading' | 'AwaitingApproval' | 'Refunded' | 'NotOurs' | 'Cancelled' | 'NeedsAttention' | 'Skipped';

/** Why an ERP refund is parked: a problem of one of its steps. */
export type ErpRefundProblem = StepProblem<'readErp' | 'readOrder' | 'map' | 'refund' | 'link'>;

export interface ErpRefundSyncState {
  status: ErpRefundStatus;
  erpRefund: ErpRefund | null;
  orderId: number | null;
  items: BcRefundRequestItem[];
  /** The BigCommerce refund; `created` false when an earlier attempt's refund was found and adopted. */
  bcRefund: { id: number; totalAmount: string; created: boolean } | null;
  linkedInErp: boolean;
  problem: ErpRefundProblem | null;
  lastDecision: { action: 'retry' | 'skip'; at: string } | null;
}

export const erpRefundStateQuery = defineQuery<ErpRefundSyncState>('state');

export const erpRefundDecideSignal = defineSignal<[RefundDecision]>('decide');

export const erpRefundDecideUpdate = defineUpdate<{ status: ErpRefundStatus; problem: ErpRefundProblem | null }, [RefundDecision]>('decide');

/** The ERP record changed (a new event, or the sweep saw it): read it again if waiting for approval. */
export const erpRefundChangedSignal = defineSignal('erpRecordChanged');

/** One workflow per ERP cash refund or return authorization (recordType is cashRefund or returnAuthorization). */
export const erpRefundWorkflowId = (storeHash: string, recordType: string, recordId: string): string => `erp-refund:${storeHash}:${recordType}-${recordId}`;
