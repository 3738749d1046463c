import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedules } from '../../workers/schedules';
import { catalogScheduleId, catalogStateQuery, catalogWorkflowId } from '../../workflows/catalog/catalog-sync.contract';
import { inventorySummaryQuery, inventorySweepScheduleId, inventoryWorkflowId } from '../../workflows/inventory/inventory-sync.contract';
import { reconcileScheduleId, reconcileStateQuery, reconcileWorkflowId } from '../../workflows/monitoring/reconcile.contract';
import { recordHistory } from '../support/histories';
import { logger } from '../support/setup';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * The ticks the worker's schedules start (reconcileTick, catalogTick, inventorySweepTick) wake the
 * store's long-lived workflow with the reason `schedule`: each schedule, triggered as its interval
 * would, starts its tick on the workflow task queue, the tick completes, and the workflow it wakes
 * runs. No other test runs a tick; their histories are recorded here for the replay tests.
 */
let stack: Stack;
let scheduleIds: string[] = [];
beforeAll(async () => {
  stack = await startStack();
  scheduleIds = (await ensureSchedules(stack.client, stack.config, logger)).map((r) => r.id);
});
afterAll(async () => {
  for (const id of scheduleIds) await stack.client.schedule.getHandle(id).delete();
  await stack?.close();
});

describe("the schedules' ticks", () => {
  it('the reconciliation schedule runs reconcileTick, which wakes the reconciliation', async () => {
    const tick = await triggered(stack.client, reconcileScheduleId(stack.storeHash));
    await tick.result();
    const state = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(reconcileWorkflowId(stack.storeHash)).query(reconcileStateQuery);
      return s.lastRun ? s : undefined;
    }, 'a reconciliation run');
    expect(state.lastRun!.reason).toMatch(/\bschedule\b/);
    await recordHistory(tick, 'reconcile-tick-v1-wakes-reconciliation');
  });

  it('the catalog schedule runs catalogTick, which wakes the catalog sync', async () => {
    const tick = await triggered(stack.client, catalogScheduleId(stack.storeHash));
    await tick.result();
    const state = await eventually(
      async () => {
        const s = await stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash)).query(catalogStateQuery);
        return s.lastRun ? s : undefined;
      },
      'a catalog run',
      60_000,
    );
    expect(state.lastRun!.reason).toMatch(/\bschedule\b/);
    await recordHistory(tick, 'catalog-tick-v1-wakes-catalog-sync');
  });

  it('the inventory sweep schedule runs inventorySweepTick, which makes the inventory sync sweep the ERP', async () => {
    const tick = await triggered(stack.client, inventorySweepScheduleId(stack.storeHash));
    await tick.result();
    const summary = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(inventoryWorkflowId(stack.storeHash)).query(inventorySummaryQuery);
      return s.stats.sweeps >= 1 ? s : undefined;
    }, 'an inventory sweep');
    expect(summary.stats.sweeps).toBeGreaterThanOrEqual(1);
    await recordHistory(tick, 'inventory-sweep-tick-v1-wakes-sweep');
  });
});

/** Triggers the schedule now and returns the run it started (the schedule suffixes the workflow id with the time). */
async function triggered(client: Client, scheduleId: string): Promise<WorkflowHandle> {
  const schedule = client.schedule.getHandle(scheduleId);
  const before = new Set((await schedule.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await schedule.trigger();
  const started = await eventually(
    async () => (await schedule.describe()).info.recentActions.find((a) => !before.has(a.action.workflow.firstExecutionRunId)),
    `${scheduleId} triggered`,
  );
  return client.workflow.getHandle(started.action.workflow.workflowId, started.action.workflow.firstExecutionRunId);
}
