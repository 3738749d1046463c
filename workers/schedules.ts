import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../lib/logger';

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
        id: `bcsync-webhook-health-${storeHash}`,
        everyMs: config.health.intervalMs,
        workflowType: 'webhookHealth',
        workflowId: `webhook-health:${storeHash}`,
        args: [{ storeHash, reason: 'schedule' }],
        summary: `Webhook health of store ${storeHash}: repair hooks, reconcile what they missed`,
      });
    }
    out.push({
      id: `bcsync-reconcile-${storeHash}`,
      everyMs: config.reconcile.intervalMs,
      workflowType: 'reconcileTick',
      workflowId: `reconcile-tick:${storeHash}`,
      args: [{ storeHash }],
      summary: `Reconciliation of store ${storeHash}: the safety net for lost webhooks`,
    });
    out.push({
      id: `bcsync-catalog-${storeHash}`,
      everyMs: config.catalog.intervalMs,
      workflowType: 'catalogTick',
      workflowId: `catalog-tick:${storeHash}`,
      args: [{ storeHash }],
      summary: `Catalog and prices of store ${storeHash}: ERP -> BigCommerce, what changed since the watermark`,
    });
    out.push({
      id: `bcsync-erp-refund-sweep-${storeHash}`,
      everyMs: config.erpRefunds.sweepIntervalMs,
      workflowType: 'erpRefundSweep',
      workflowId: `erp-refund-sweep:${storeHash}`,
      args: [{ storeHash, lookbackMs: config.erpRefunds.sweepLookbackMs, refund: { erpTaskQueue: config.erp.taskQueue, retryWindowMs: config.orders.retryWindowMs, parkRetryMs: config.orders.parkRetryMs } }],
      summary: `ERP refund sweep of store ${storeHash}: ERP cash refunds and returns whose event was lost`,
    });
    if (config.inventory.enabled) out.push({
      id: `bcsync-inventory-sweep-${storeHash}`,
      everyMs: config.inventory.sweepIntervalMs,
      workflowType: 'inventorySweepTick',
      workflowId: `inventory-sweep-tick:${storeHash}`,
      args: [{ storeHash }],
      summary: `Inventory sweep of store ${storeHash}: ERP levels changed since the watermark (lost change events)`,
    });
  }
  out.push({
    id: 'bcsync-alert-monitor',
    everyMs: config.alerts.intervalMs,
    workflowType: 'alertMonitor',
    workflowId: 'alert-monitor',
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
