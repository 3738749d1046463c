import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../lib/logger';
import { CATALOG_TICK_WORKFLOW, catalogScheduleId, catalogTickWorkflowId } from '../workflows/catalog/catalog-sync.contract';
import { INVENTORY_SWEEP_TICK_WORKFLOW, inventorySweepScheduleId, inventorySweepTickWorkflowId } from '../workflows/inventory/inventory-sync.contract';
import { ALERT_MONITOR_ID, ALERT_MONITOR_SCHEDULE_ID, ALERT_MONITOR_WORKFLOW } from '../workflows/monitoring/alerts.contract';
import { RECONCILE_TICK_WORKFLOW, reconcileScheduleId, reconcileTickWorkflowId } from '../workflows/monitoring/reconcile.contract';
import { WEBHOOK_HEALTH_WORKFLOW, webhookHealthScheduleId, webhookHealthWorkflowId } from '../workflows/monitoring/webhook-health.contract';
import { ERP_REFUND_SWEEP_WORKFLOW, erpRefundSweepScheduleId, erpRefundSweepWorkflowId } from '../workflows/refunds/erp-refund-sweep.contract';

export interface DesiredSchedule {
  id: string;
  everyMs: number;
  workflowType: string;
  workflowId: string;
  args: unknown[];
  summary: string;
}

/** What should run on a schedule, for this configuration. */
export function desiredSchedules(config: Config): DesiredSchedule[] {
  const out: DesiredSchedule[] = [];
  for (const { storeHash } of config.stores) {
    if (config.health.destination) {
      out.push({
        id: webhookHealthScheduleId(storeHash),
        everyMs: config.health.intervalMs,
        workflowType: WEBHOOK_HEALTH_WORKFLOW,
        workflowId: webhookHealthWorkflowId(storeHash),
        args: [{ storeHash, reason: 'schedule' }],
        summary: `Webhook health of store ${storeHash}: repair hooks, reconcile what they missed`,
      });
    }
    out.push({
      id: reconcileScheduleId(storeHash),
      everyMs: config.reconcile.intervalMs,
      workflowType: RECONCILE_TICK_WORKFLOW,
      workflowId: reconcileTickWorkflowId(storeHash),
      args: [{ storeHash }],
      summary: `Reconciliation of store ${storeHash}: the safety net for lost webhooks`,
    });
    out.push({
      id: catalogScheduleId(storeHash),
      everyMs: config.catalog.intervalMs,
      workflowType: CATALOG_TICK_WORKFLOW,
      workflowId: catalogTickWorkflowId(storeHash),
      args: [{ storeHash }],
      summary: `Catalog and prices of store ${storeHash}: ERP -> BigCommerce, what changed since the watermark`,
    });
    out.push({
      id: erpRefundSweepScheduleId(storeHash),
      everyMs: config.erpRefunds.sweepIntervalMs,
      workflowType: ERP_REFUND_SWEEP_WORKFLOW,
      workflowId: erpRefundSweepWorkflowId(storeHash),
      args: [
        {
          storeHash,
          lookbackMs: config.erpRefunds.sweepLookbackMs,
          refund: { erpTaskQueue: config.erp.taskQueue, retryWindowMs: config.orders.retryWindowMs, parkRetryMs: config.orders.parkRetryMs },
        },
      ],
      summary: `ERP refund sweep of store ${storeHash}: ERP cash refunds and returns whose event was lost`,
    });
    if (config.inventory.enabled)
      out.push({
        id: inventorySweepScheduleId(storeHash),
        everyMs: config.inventory.sweepIntervalMs,
        workflowType: INVENTORY_SWEEP_TICK_WORKFLOW,
        workflowId: inventorySweepTickWorkflowId(storeHash),
        args: [{ storeHash }],
        summary: `Inventory sweep of store ${storeHash}: ERP levels changed since the watermark (lost change events)`,
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

/**
 * Creates the schedules, or updates them when the configuration changed; unchanged ones are left
 * alone. Run by `bcsync dev` and every `bcsync worker` at start, so it must be idempotent: several
 * workers starting together converge on the same schedules. Visible on the Web UI's Schedules page.
 */
export async function ensureSchedules(client: Client, config: Config, logger: Logger): Promise<Array<{ id: string; outcome: 'created' | 'updated' | 'unchanged' }>> {
  const results: Array<{ id: string; outcome: 'created' | 'updated' | 'unchanged' }> = [];
  for (const d of desiredSchedules(config)) {
    const action = {
      type: 'startWorkflow' as const,
      workflowType: d.workflowType,
      workflowId: d.workflowId,
      taskQueue: config.temporal.workflowTaskQueue,
      args: d.args,
      staticSummary: d.summary,
    };
    const spec = { intervals: [{ every: d.everyMs }] };
    // A schedule missed while Temporal was down runs once on return, not once per missed tick.
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(60_000, d.everyMs) };
    const handle = client.schedule.getHandle(d.id);
    try {
      const current = await handle.describe();
      const currentEvery = current.spec.intervals?.[0]?.every;
      const currentAction = current.action.type === 'startWorkflow' ? current.action : undefined;
      const same =
        currentEvery === d.everyMs &&
        current.spec.intervals?.length === 1 &&
        currentAction?.workflowType === d.workflowType &&
        currentAction.taskQueue === action.taskQueue &&
        JSON.stringify(currentAction.args) === JSON.stringify(d.args);
      if (same) {
        results.push({ id: d.id, outcome: 'unchanged' });
        continue;
      }
      await handle.update((prev) => ({ ...prev, spec, action, policies: { ...prev.policies, ...policies } }));
      results.push({ id: d.id, outcome: 'updated' });
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      try {
        await client.schedule.create({ scheduleId: d.id, spec, action, policies, state: { note: d.summary } });
        results.push({ id: d.id, outcome: 'created' });
      } catch (createErr) {
        // Another worker created it between our describe and create: that is the same result.
        if ((createErr as Error).name !== 'ScheduleAlreadyRunning') throw createErr;
        results.push({ id: d.id, outcome: 'unchanged' });
      }
    }
  }
  logger.info({ schedules: results }, 'schedules in place');
  return results;
}
