import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../lib/logger';
import { catalogSchedules } from '../clients/catalog';
import { inventorySchedules } from '../clients/inventory';
import { monitoringSchedules } from '../clients/monitoring';
import { refundSchedules } from '../clients/refunds';
import type { DesiredSchedule } from '../clients/shared/schedule';

export type { DesiredSchedule };

/** What should run on a schedule, for this configuration: each flow declares its own. */
export function desiredSchedules(config: Config): DesiredSchedule[] {
  return [...monitoringSchedules(config), ...catalogSchedules(config), ...refundSchedules(config), ...inventorySchedules(config)];
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
