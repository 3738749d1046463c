import { condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ControlActivities } from '../../activities/monitoring/control';
import type { Alert } from '../../domain/monitoring/alert';
import { catalogWorkflowId } from '../catalog/catalog-sync.contract';
import { inventoryWorkflowId } from '../inventory/inventory-sync.contract';
import { alertSignal, type AlertDispatcherInput, type AlertDispatcherState, alertStateQuery, type AlertMonitorInput, type AlertMonitorResult } from './alerts.contract';
import { reconcileScheduleId, reconcileWorkflowId } from './reconcile.contract';

/**
 * The one place alerts go out (`bcsync-alerts`): whoever raises an alert signals it here, and it is
 * sent at most once per key within the cool-down, so a condition that lasts an hour, or a health
 * check that runs every five minutes, pages ops once. Its state is durable, so a restart does not
 * forget what was already sent.
 */
export async function alertDispatcher(input: AlertDispatcherInput): Promise<void> {
  const state: AlertDispatcherState = input.carried ?? { lastSent: {}, sent: 0, suppressed: 0, recent: [] };
  const queue: Alert[] = [];
  setHandler(alertSignal, (a) => void queue.push(a));
  setHandler(alertStateQuery, () => state);
  const { deliverAlert } = proxyActivities<ControlActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
    summary: 'deliver an alert',
  });

  for (;;) {
    await condition(() => queue.length > 0);
    while (queue.length > 0) {
      const alert = queue.shift()!;
      const now = Date.now();
      const last = state.lastSent[alert.key];
      if (last !== undefined && now - last < input.cooldownMs) {
        state.suppressed++;
        continue;
      }
      state.lastSent[alert.key] = now;
      await deliverAlert(alert);
      state.sent++;
      state.recent = [...state.recent, { ...alert, at: new Date(now).toISOString() }].slice(-20);
    }
    // Keys past their cool-down need not be remembered.
    for (const [key, at] of Object.entries(state.lastSent)) if (Date.now() - at >= input.cooldownMs) delete state.lastSent[key];
    setCurrentDetails(
      [
        `**Alerts**: ${state.sent} sent, ${state.suppressed} suppressed (cool-down ${Math.round(input.cooldownMs / 60_000)} min)`,
        ...state.recent
          .slice(-5)
          .reverse()
          .map((a) => `- ${a.at} [${a.severity}] ${a.title}`),
      ].join('\n'),
    );
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 2_000) return await continueAsNew<typeof alertDispatcher>({ ...input, carried: state });
  }
}

/**
 * One alert per store whose long-lived workflow of a kind stopped making progress
 * (clients/shared/query-long-lived.ts): `<kind>-stalled:<store>`, why, and what to open. `stalls` is
 * absent from results recorded before the kind's check existed.
 */
function stallAlerts(
  stalls: AlertMonitorResult['inventoryStalled'],
  kind: string,
  severity: Alert['severity'],
  describe: (storeHash: string) => { title: string; open: string },
): Alert[] {
  return (stalls ?? []).map((stall) => {
    const { title, open } = describe(stall.storeHash);
    return { key: `${kind}-stalled:${stall.storeHash}`, severity, title, text: `${stall.why}. Open ${open}.` };
  });
}

/**
 * Run by a schedule: reads the counts alerts are made of and raises the ones over their threshold.
 * The dispatcher decides whether each is actually sent (cool-down).
 */
export async function alertMonitor(input: AlertMonitorInput): Promise<AlertMonitorResult> {
  const act = proxyActivities<ControlActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 3 }, summary: 'count parked orders, failures and 429s' });
  const since = Date.now() - input.intervalMs;
  const m = await act.measureHealth(since);
  const alerts: Alert[] = [];
  if (m.parked >= input.parkedThreshold) {
    alerts.push({
      key: 'orders-parked',
      severity: 'warning',
      title: `${m.parked} order(s) need attention`,
      text: `Orders parked as NeedsAttention: find them in the Web UI with BcSyncStatus = "NeedsAttention", or \`bcsync attention list\`.`,
    });
  }
  if (m.failed >= input.failedThreshold) {
    alerts.push({
      key: 'workflows-failed',
      severity: 'critical',
      title: `${m.failed} workflow(s) failed`,
      text: `Workflows failed since ${new Date(since).toISOString()}: ExecutionStatus = "Failed" in the Web UI.`,
    });
  }
  if (m.rateLimitedPerMinute >= input.rateLimitedPerMinute) {
    alerts.push({
      key: 'bigcommerce-429',
      severity: 'warning',
      title: `BigCommerce 429s: ${m.rateLimitedPerMinute.toFixed(1)} per minute`,
      text: 'Other apps may be spending the store quota; see bcsync_bigcommerce_429_total and bcsync_bigcommerce_quota_left.',
    });
  }
  alerts.push(
    ...stallAlerts(m.inventoryStalled, 'inventory', 'critical', (store) => ({
      title: `Inventory sync of store ${store} is not making progress`,
      open: `${inventoryWorkflowId(store)} in the Web UI (its pending activity, its workflow task)`,
    })),
    ...stallAlerts(m.catalogStalled, 'catalog', 'warning', (store) => ({
      title: `Catalog sync of store ${store} is not making progress`,
      open: `${catalogWorkflowId(store)} in the Web UI (its pending activities, its workflow task)`,
    })),
    ...stallAlerts(m.reconcileStalled, 'reconcile', 'warning', (store) => ({
      title: `Reconciliation of store ${store} has stopped: lost webhooks would go unnoticed`,
      open: `${reconcileWorkflowId(store)} and the schedule ${reconcileScheduleId(store)} in the Web UI`,
    })),
  );
  if (alerts.length) await act.raiseAlerts(alerts);
  return { ...m, raised: alerts.map((a) => a.key) };
}
