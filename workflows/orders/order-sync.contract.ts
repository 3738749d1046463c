import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OmsOrder } from '../../domain/orders/oms-order';
import type { OmsShipment } from '../../domain/orders/oms-shipment';
import type { BcOrder } from '../../domain/orders/order';
import type { OrderEvent } from '../../domain/orders/order-event';
import type { RefundNote } from '../refunds/refund-sync.contract';
import type { TotalMismatch } from '../../domain/orders/lifecycle';
import type { StepProblem } from '../shared/activity-step';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `orderSync`, one BigCommerce order's whole life (`order:<storeHash>:<orderId>`):
 * its id, queue, input, state, and the signals, query and update everything outside the workflow
 * uses (the API, ops, the CLI, activities, benches and tests import this, never the workflow).
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const ORDER_SYNC_WORKFLOW = 'orderSync';
/** Runs on the workers' workflow queue. */
export const orderSyncTaskQueue = workflowTaskQueue;
export type OrderSyncWorkflow = (input: OrderLifecycleInput) => Promise<OrderLifecycleState>;

export interface OrderLifecycleInput {
  storeHash: string;
  orderId: number;
  erpTaskQueue: string;
  omsTaskQueue: string;
  /** A terminal order's run completes after this long without events. */
  quietPeriodMs: number;
  /** How long an activity keeps retrying a transient failure before the order parks. */
  retryWindowMs: number;
  /** A parked order whose cause was transient (an outage) tries again by itself after this. */
  parkRetryMs: number;
  /** For refund workflows this one starts (missed refund webhooks); absent in runs started before. */
  refunds?: { orderWaitMs: number; declineChecksMs: number[] };
  /** false: inventory is not synced (INVENTORY_SYNC=off), so no inventory notes; absent = on. */
  inventoryNotes?: boolean;
  carried?: OrderLifecycleState;
}

export type LifecycleStatus = 'Waiting' | 'Synced' | 'NeedsAttention' | 'Resolved' | 'Skipped';

/**
 * Why an order is parked: a problem of one of its steps. `transient`: an outage or exhausted
 * retries, worth trying again by itself; otherwise it waits for a person.
 */
export type Problem = StepProblem<'fetch' | 'erp' | 'oms' | 'writeBack' | 'shipments' | 'cancel' | 'compensation'>;

export interface Decision {
  action: 'retry' | 'skip' | 'resolve';
  /** With `retry`: the OMS's SKU for a store SKU it does not know, e.g. {"STORE-SKU": "3PL-SKU"}. */
  skuMap?: Record<string, string>;
  note?: string;
  /** Who decided: the ops token's name (the ops API), absent from the Web UI and the CLI. */
  by?: string;
}

export interface OrderLifecycleState {
  status: LifecycleStatus;
  order: BcOrder | null;
  /** BigCommerce's clock at our last read (s): events from earlier seconds are already in `order`. */
  lastReadAtS: number;
  /**
   * `unconfirmed`: a write went out and its outcome is unknown (the worker died, the retry window
   * closed): the ERP may have the order without our knowing its id.
   */
  erp: { id: string | null; fingerprint: string | null; closed: boolean; unconfirmed?: boolean; totalMismatch?: TotalMismatch };
  /** `unconfirmed`: the order last sent to the OMS without an answer (it may exist there). */
  oms: { fingerprint: string | null; status: string | null; order: OmsOrder | null; unconfirmed?: OmsOrder | null };
  erpIdWrittenBack: boolean;
  /** OMS shipment id -> BigCommerce shipment id. */
  shipmentsCopied: Record<string, number>;
  pendingShipments: OmsShipment[];
  /** We put the order on Manual Verification Required (compensation); its status before that. */
  hold: { previousStatusId: number } | null;
  problem: Problem | null;
  skuMap: Record<string, string>;
  passes: number;
  duplicatesIgnored: number;
  fetchesSaved: number;
  lastEvent: OrderEvent | null;
  lastDecision: (Decision & { at: string }) | null;
  recentHashes: string[];
  pending: OrderEvent[];
  /** The order's refunds, as their own workflows (`refund:<store>:<refundId>`) report them. */
  refunds?: Record<string, RefundNote>;
  /** Refund workflows this workflow started for refunds whose webhooks never came. */
  refundsStarted?: number[];
  /** What the store's inventorySync was told of this order's units: sold (not booked yet), booked in the ERP, given back. */
  inventory?: { sold: boolean; booked: boolean; released: boolean };
}

export const orderEventSignal = defineSignal<[OrderEvent]>('orderEvent');

/** The OMS shipped (part of) the order: the shipments as the OMS reports them now. */
export const omsShipmentsSignal = defineSignal<[{ shipments: OmsShipment[] }]>('omsShipments');

/** Ops decide on a parked order. The same decision as a signal (Web UI) or an update (API, CLI). */
export const decideSignal = defineSignal<[Decision]>('decide');

export const decideUpdate = defineUpdate<{ status: LifecycleStatus; problem: Problem | null }, [Decision]>('decide');

export const orderStateQuery = defineQuery<OrderLifecycleState>('state');

export const orderWorkflowId = (storeHash: string, orderId: number): string => `order:${storeHash}:${orderId}`;
