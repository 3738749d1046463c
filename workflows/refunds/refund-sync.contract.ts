import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { StepProblem } from '../shared/activity-step';
import type { RetrySkipDecision } from '../shared/decisions';
import type { BcRefund } from '../../domain/refunds/refund';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `refundSync`, one BigCommerce refund into the ERP (`refund:<storeHash>:<refundId>`):
 * its id, queue, input, state, and its signals, query and update.
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const REFUND_SYNC_WORKFLOW = 'refundSync';
/** Runs on the workers' workflow queue. */
export const refundSyncTaskQueue = workflowTaskQueue;
export type RefundSyncWorkflow = (input: RefundSyncInput) => Promise<RefundSyncState>;

export interface RefundSyncInput {
  storeHash: string;
  orderId: number;
  refundId: number;
  erpTaskQueue: string;
  /** How long a step retries a transient failure before the refund parks. */
  retryWindowMs: number;
  /** A refund parked on a transient cause tries again by itself after this. */
  parkRetryMs: number;
  /** How long to wait for the order's sales order to reach the ERP (webhooks arrive out of order). */
  orderWaitMs: number;
  /** After booking: when to look again for a declined payment (BigCommerce settles it later). */
  declineChecksMs: number[];
}

/**
 * Booked: in the ERP. Declined: declined before booking, nothing booked. Reversed: booked, then
 * declined and taken back. FromErp: made by the ERP -> BigCommerce refund sync for an ERP record
 * (it carries our marker), so the ERP has it already and nothing is booked.
 */
export type RefundStatus = 'Waiting' | 'Booked' | 'Declined' | 'Reversed' | 'NeedsAttention' | 'Skipped' | 'FromErp';

/** Why a refund is parked: a problem of one of its steps. */
export type RefundProblem = StepProblem<'fetch' | 'waitForOrder' | 'map' | 'erp' | 'reverse'>;

export interface RefundSyncState {
  status: RefundStatus;
  refund: BcRefund | null;
  creditMemo: { externalId: string; id: string | null; total: string } | null;
  problem: RefundProblem | null;
  declineChecks: number;
  lastDecision: { action: 'retry' | 'skip'; at: string } | null;
}

/** What the order's own workflow is told, so ops see one picture per order. */
export interface RefundNote {
  refundId: number;
  status: RefundStatus;
  amount: string;
  creditMemoId: string | null;
}

export const refundStateQuery = defineQuery<RefundSyncState>('state');

/** Ops decide on a parked refund: try again now, or give it up. */
export type RefundDecision = RetrySkipDecision;

export const refundDecideSignal = defineSignal<[RefundDecision]>('decide');

/** The same decision as an update (ops API, CLI): answers with where it led. */
export const refundDecideUpdate = defineUpdate<{ status: RefundStatus; problem: RefundProblem | null }, [RefundDecision]>('decide');

/** Defined here, handled by the order's workflow. */
export const refundNoteSignal = defineSignal<[RefundNote]>('refund');

export const refundWorkflowId = (storeHash: string, refundId: number): string => `refund:${storeHash}:${refundId}`;
