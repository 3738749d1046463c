import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Alert } from '../domain/monitoring/alert';
import {
  ALERT_DISPATCHER_ID,
  ALERT_DISPATCHER_WORKFLOW,
  ALERT_MONITOR_ID,
  ALERT_MONITOR_SCHEDULE_ID,
  ALERT_MONITOR_WORKFLOW,
  alertDispatcherTaskQueue,
  alertSignal,
  type AlertDispatcherWorkflow,
} from '../workflows/monitoring/alerts.contract';
import {
  RECONCILE_TICK_WORKFLOW,
  RECONCILE_WORKFLOW,
  reconcileScheduleId,
  reconcileTickWorkflowId,
  reconcileRequestSignal,
  reconcileStateQuery,
  reconcileTaskQueue,
  reconcileWorkflowId,
  type ReconcileRequest,
  type ReconcileWorkflow,
} from '../workflows/monitoring/reconcile.contract';
import {
  WEBHOOK_HEALTH_WORKFLOW,
  webhookHealthScheduleId,
  webhookHealthTaskQueue,
  webhookHealthWorkflowId,
  type WebhookHealthWorkflow,
} from '../workflows/monitoring/webhook-health.contract';
import { findStalls, type Stall } from './shared/query-long-lived';
import type { DesiredSchedule } from './shared/schedule';

/** Wakes a store's reconciliation (starting it if needed), from `sinceS` or its watermark. */
export async function requestReconcile(client: Client, config: Config, storeHash: string, request: ReconcileRequest): Promise<string> {
  const workflowId = reconcileWorkflowId(storeHash);
  await client.workflow.signalWithStart<ReconcileWorkflow, [ReconcileRequest]>(RECONCILE_WORKFLOW, {
    workflowId,
    taskQueue: reconcileTaskQueue(config.temporal),
    args: [{ storeHash, overlapMs: config.reconcile.overlapMs, initialLookbackMs: config.reconcile.initialLookbackMs }],
    signal: reconcileRequestSignal,
    signalArgs: [request],
    staticSummary: `Reconciliation of store ${storeHash}: orders changed since the watermark`,
  });
  return workflowId;
}

export type ReconcileStall = Stall;

/**
 * A store's reconciliation, the safety net for lost webhooks, that stopped without failing: its
 * last run finished longer than `stallAfterMs` ago (the schedule asks for one every
 * RECONCILE_INTERVAL; a run stuck behind a dead BigCommerce worker, or a paused schedule, stops
 * that), or `reconcile:<store>` does not answer its `state` query in time. Nothing fails or parks
 * when the net itself is gone, so nothing else would say so. Measured with the real clock.
 */
export function findReconcileStalls(
  client: Client,
  storeHashes: readonly string[],
  opts: { stallAfterMs: number; nowMs?: number; queryTimeoutMs?: number },
): Promise<ReconcileStall[]> {
  const now = opts.nowMs ?? Date.now();
  return findStalls(client, storeHashes, { workflowId: reconcileWorkflowId, query: reconcileStateQuery, queryTimeoutMs: opts.queryTimeoutMs }, ({ lastRun }) => {
    // Started, no run finished yet: the first run's start is not in the state; the query answering is what is checked.
    if (!lastRun) return undefined;
    const age = now - Date.parse(lastRun.at);
    return age > opts.stallAfterMs ? `no reconciliation run has finished for ${Math.round(age / 1000)} s (the last at ${lastRun.at})` : undefined;
  });
}

/** Hands an alert to the dispatcher (`bcsync-alerts`, started if need be), which owns de-duplication and cool-down. */
export async function raiseAlert(client: Client, config: Config, alert: Alert): Promise<void> {
  await client.workflow.signalWithStart<AlertDispatcherWorkflow, [Alert]>(ALERT_DISPATCHER_WORKFLOW, {
    workflowId: ALERT_DISPATCHER_ID,
    taskQueue: alertDispatcherTaskQueue(config.temporal),
    args: [{ cooldownMs: config.alerts.cooldownMs }],
    signal: alertSignal,
    signalArgs: [alert],
    staticSummary: 'Alert dispatcher: de-duplicates alerts and sends them to the configured channels',
  });
}

/**
 * Runs the store's webhook health now (`webhook-health:<storeHash>:exception`), joining a run
 * already going: a burst of delivery exceptions shares one.
 */
export async function checkWebhooksNow(client: Client, config: Config, storeHash: string, reason: string, summary: string): Promise<void> {
  await client.workflow.start<WebhookHealthWorkflow>(WEBHOOK_HEALTH_WORKFLOW, {
    workflowId: webhookHealthWorkflowId(storeHash, 'exception'),
    taskQueue: webhookHealthTaskQueue(config.temporal),
    args: [{ storeHash, reason }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: summary,
  });
}

/**
 * Monitoring's schedules: per store, webhook health (when alerts have a destination) and
 * reconciliation; once, the alert monitor.
 */
export function monitoringSchedules(config: Config): DesiredSchedule[] {
  const out: DesiredSchedule[] = [];
  for (const { storeHash } of config.stores) {
    if (config.health.destination)
      out.push({
        id: webhookHealthScheduleId(storeHash),
        everyMs: config.health.intervalMs,
        workflowType: WEBHOOK_HEALTH_WORKFLOW,
        workflowId: webhookHealthWorkflowId(storeHash),
        args: [{ storeHash, reason: 'schedule' }],
        summary: `Webhook health of store ${storeHash}: repair hooks, reconcile what they missed`,
      });
    out.push({
      id: reconcileScheduleId(storeHash),
      everyMs: config.reconcile.intervalMs,
      workflowType: RECONCILE_TICK_WORKFLOW,
      workflowId: reconcileTickWorkflowId(storeHash),
      args: [{ storeHash }],
      summary: `Reconciliation of store ${storeHash}: the safety net for lost webhooks`,
    });
  }
  out.push({
    id: ALERT_MONITOR_SCHEDULE_ID,
    everyMs: config.alerts.intervalMs,
    workflowType: ALERT_MONITOR_WORKFLOW,
    workflowId: ALERT_MONITOR_ID,
    args: [
      {
        intervalMs: config.alerts.intervalMs,
        parkedThreshold: config.alerts.parkedThreshold,
        failedThreshold: config.alerts.failedThreshold,
        rateLimitedPerMinute: config.alerts.rateLimitedPerMinute,
      },
    ],
    summary: 'Alert monitor: parked orders, failed workflows, BigCommerce 429s',
  });
  return out;
}
