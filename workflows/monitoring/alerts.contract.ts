import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Alert } from '../../domain/monitoring/alert';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of the alert workflows: `alertDispatcher` (one, `bcsync-alerts`, fed by signal) and
 * `alertMonitor` (scheduled, counting what alerts are made of).
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const ALERT_DISPATCHER_WORKFLOW = 'alertDispatcher';
/** Runs on the workers' workflow queue. */
export const alertDispatcherTaskQueue = workflowTaskQueue;
export type AlertDispatcherWorkflow = (input: AlertDispatcherInput) => Promise<void>;

export const ALERT_DISPATCHER_ID = 'bcsync-alerts';

export const alertSignal = defineSignal<[Alert]>('alert');

export interface AlertDispatcherInput {
  cooldownMs: number;
  carried?: AlertDispatcherState;
}

export interface AlertDispatcherState {
  /** Alert key -> when it was last sent (ms). */
  lastSent: Record<string, number>;
  sent: number;
  suppressed: number;
  recent: Array<Alert & { at: string }>;
}

export const alertStateQuery = defineQuery<AlertDispatcherState>('state');

export interface AlertMonitorInput {
  intervalMs: number;
  parkedThreshold: number;
  failedThreshold: number;
  rateLimitedPerMinute: number;
}

/** The scheduled monitor that counts what alerts are made of (parked, failed, 429s, stalls). */
export const ALERT_MONITOR_WORKFLOW = 'alertMonitor';
export const ALERT_MONITOR_ID = 'alert-monitor';
export const ALERT_MONITOR_SCHEDULE_ID = 'bcsync-alert-monitor';

type Stalls = Array<{ storeHash: string; why: string }>;
export interface AlertMonitorResult {
  parked: number;
  failed: number;
  rateLimitedPerMinute: number;
  inventoryStalled?: Stalls;
  catalogStalled?: Stalls;
  reconcileStalled?: Stalls;
  raised: string[];
}
export type AlertMonitorWorkflow = (input: AlertMonitorInput) => Promise<AlertMonitorResult>;
