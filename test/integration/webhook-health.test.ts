import { postDelivery } from '../support/bigcommerce-delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env';
import { requestReconcile } from '../../clients/monitoring';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { ALERT_DISPATCHER_ID, alertStateQuery } from '../../workflows/monitoring/alerts.contract';
import { reconcileStateQuery, reconcileWorkflowId, type ReconcileState } from '../../workflows/monitoring/reconcile.contract';
import { orderStateQuery, orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import type { WorkflowHandle } from '@temporalio/client';
import { desiredSchedules, ensureSchedules } from '../../workers/schedules';
import { startReceiver } from '../support/receiver';
import { logger } from '../support/setup';
import { eventually, startStack, TEST_SECRET, type Stack } from '../support/stack';
import { INVENTORY_SCOPES, ORDER_SCOPES } from '../../domain/monitoring/required-hooks';
import { WEBHOOK_HEALTH_WORKFLOW, type WebhookHealthWorkflow } from '../../workflows/monitoring/webhook-health.contract';
import type { Json } from '../support/json';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { recordHistory } from '../support/histories';

let stack: Stack;
let alerts: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  alerts = await startReceiver();
  stack = await startStack({ ALERT_WEBHOOK_URL: alerts.url, ALERT_COOLDOWN: '1h', RECONCILE_OVERLAP: '5s', RECONCILE_INITIAL_LOOKBACK: '10m' });
});
afterAll(async () => {
  await stack?.close();
  await alerts?.close();
});

const hooks = async (): Promise<Json[]> => ((await (await fetch(`${stack.sandboxes.bcUrl}/__sandbox/summary`)).json()) as Json).hooks;
const erpHas = (externalId: string) => stack.sandboxes.erp.data.salesOrderWrites[externalId] !== undefined;

describe('schedules', () => {
  it('are created once, left alone when unchanged, and updated when the configuration changes', async () => {
    const first = await ensureSchedules(stack.client, stack.config, logger);
    expect(first.map((r) => r.outcome)).toEqual(first.map(() => 'created'));
    expect(first.map((r) => r.id).sort()).toEqual(
      [
        `bcsync-reconcile-${stack.storeHash}`,
        'bcsync-alert-monitor',
        `bcsync-webhook-health-${stack.storeHash}`,
        `bcsync-catalog-${stack.storeHash}`,
        `bcsync-erp-refund-sweep-${stack.storeHash}`,
        `bcsync-inventory-sweep-${stack.storeHash}`,
      ].sort(),
    );
    // A restart (or a second worker) with the same configuration changes nothing.
    const again = await ensureSchedules(stack.client, stack.config, logger);
    expect(again.map((r) => r.outcome)).toEqual(again.map(() => 'unchanged'));
    // Another interval: the schedule is updated in place, not duplicated.
    const changed = { ...stack.config, reconcile: { ...stack.config.reconcile, intervalMs: 600_000 } };
    const updated = await ensureSchedules(stack.client, changed, logger);
    expect(updated.find((r) => r.id === `bcsync-reconcile-${stack.storeHash}`)?.outcome).toBe('updated');
    const described = await stack.client.schedule.getHandle(`bcsync-reconcile-${stack.storeHash}`).describe();
    expect(described.spec.intervals?.[0]?.every).toBe(600_000);
    // Without a hooks destination there is no health schedule to make.
    const noHooks = loadConfig(envOf(stack));
    expect(desiredSchedules(noHooks).map((d) => d.workflowType)).not.toContain('webhookHealth');
    for (const r of first) await stack.client.schedule.getHandle(r.id).delete();
  });
});

describe('reconciliation', () => {
  it('finds orders whose webhooks never came, and keeps its watermark between runs', async () => {
    // BigCommerce never tells us about these: their hooks are gone.
    for (const h of await hooks())
      await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v3/hooks/${h.id}`, { method: 'DELETE', headers: { 'x-auth-token': 'test-token' } });
    const missed = [await stack.createOrder(demoOrderBody(0)), await stack.createOrder(demoOrderBody(1))];
    await new Promise((r) => setTimeout(r, 1_000));
    expect(missed.every((o) => !erpHas(`bc-${stack.storeHash}-${o.id}`))).toBe(true);

    const id = await requestReconcile(stack.client, stack.config, stack.storeHash, { reason: 'test' });
    for (const o of missed) await eventually(() => (erpHas(`bc-${stack.storeHash}-${o.id}`) ? true : undefined), `order ${o.id} recovered`);
    const handle = stack.client.workflow.getHandle(id);
    const first = await runNumber(handle, 1);
    expect(first.lastRun!.listed).toBeGreaterThanOrEqual(2);
    expect(first.lastRun!.pages).toBe(1);
    // Our own write-back (the ERP id metafield) changes the orders once more; let it land.
    for (const o of missed)
      await eventually(
        async () => ((await stack.client.workflow.getHandle(orderWorkflowId(stack.storeHash, o.id)).query(orderStateQuery)).erpIdWrittenBack ? true : undefined),
        `order ${o.id} written back`,
      );
    // Wait past the 5 s overlap, so the run after next no longer reaches back to these changes.
    await new Promise((r) => setTimeout(r, 7_000));

    // The next run starts at the watermark minus the 5 s overlap and sees that echo of our writes:
    // one listing call, and the orders' workflows, handed the orders as read, read nothing again.
    let calls = stack.sandboxes.bigcommerce.ctx.limiter.stats.allowed;
    await requestReconcile(stack.client, stack.config, stack.storeHash, { reason: 'test again' });
    const second = await runNumber(handle, 2);
    expect(second.lastRun!.fromS).toBe(first.watermarkS! - 5);
    expect(second.lastRun!.listed).toBeLessThanOrEqual(2);
    expect(second.watermarkS!).toBeGreaterThanOrEqual(first.watermarkS!);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.sandboxes.bigcommerce.ctx.limiter.stats.allowed - calls).toBe(1);

    // Quiet store: the overlap no longer reaches the last change, so a run lists nothing.
    calls = stack.sandboxes.bigcommerce.ctx.limiter.stats.allowed;
    await requestReconcile(stack.client, stack.config, stack.storeHash, { reason: 'quiet' });
    const third = await runNumber(handle, 3);
    expect(third.lastRun!.listed).toBe(0);
    expect(third.lastRun!.fromS).toBe(second.watermarkS! - 5);
    expect(stack.sandboxes.bigcommerce.ctx.limiter.stats.allowed - calls).toBe(1);

    // An explicit `since` goes back further than the watermark.
    await requestReconcile(stack.client, stack.config, stack.storeHash, { sinceS: first.lastRun!.fromS, reason: 'ops' });
    const fourth = await runNumber(handle, 4);
    expect(fourth.lastRun!.listed).toBeGreaterThanOrEqual(2);
    expect(reconcileWorkflowId(stack.storeHash)).toBe(id);
    // Still running (it waits for the next request): four runs, the watermark kept between them.
    await recordHistory(handle, 'reconcile-v1-four-runs-keep-watermark');
  });
});

/** Order and inventory scopes at our endpoint, plus the delivery-exception hook. */
const REQUIRED_HOOKS = ORDER_SCOPES.length + INVENTORY_SCOPES.length + 1;

describe('webhook health and alerts', () => {
  it('repairs a deactivated and a missing hook, reconciles, and alerts once however often it runs', async () => {
    // The previous test deleted every hook: put them back, then break two.
    await stack.client.workflow.execute<WebhookHealthWorkflow>(WEBHOOK_HEALTH_WORKFLOW, {
      workflowId: `health-setup-${Date.now()}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [{ storeHash: stack.storeHash, reason: 'test setup' }],
    });
    const before = await hooks();
    expect(before.filter((h) => h.isActive)).toHaveLength(REQUIRED_HOOKS);
    // That repair alerts too (asynchronously): let it arrive before starting afresh.
    await eventually(() => (alerts.received.some((a) => new RegExp(`Repaired ${REQUIRED_HOOKS} webhook`).test(a.body.text)) ? true : undefined), 'the setup alert');
    await resetAlertCooldown();
    alerts.received.length = 0;

    const [updatedHook, createdHook] = [before.find((h) => h.scope === 'store/order/updated')!, before.find((h) => h.scope === 'store/order/created')!];
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/hooks/${updatedHook.id}/deactivate`, { method: 'POST' });
    await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}/v3/hooks/${createdHook.id}`, { method: 'DELETE', headers: { 'x-auth-token': 'test-token' } });

    const repair = await stack.client.workflow.start<WebhookHealthWorkflow>(WEBHOOK_HEALTH_WORKFLOW, {
      workflowId: `health-${Date.now()}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [{ storeHash: stack.storeHash, reason: 'test' }],
    });
    const result = await repair.result();
    expect(result.repaired.map((c) => [c.scope, c.was]).sort()).toEqual([
      ['store/order/created', 'missing'],
      ['store/order/updated', 'inactive'],
    ]);
    const after = await hooks();
    expect(after.filter((h) => h.isActive)).toHaveLength(REQUIRED_HOOKS);
    expect(after.find((h) => h.id === updatedHook.id)?.isActive).toBe(true);

    // Alerted once; a second incident within the cool-down is not sent again.
    await eventually(() => (alerts.received.length === 1 ? true : undefined), 'one alert');
    expect(alerts.received[0]!.body.text).toMatch(/Repaired 2 webhook/);
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/hooks/${updatedHook.id}/deactivate`, { method: 'POST' });
    await stack.client.workflow.execute<WebhookHealthWorkflow>(WEBHOOK_HEALTH_WORKFLOW, {
      workflowId: `health-again-${Date.now()}`,
      taskQueue: stack.config.temporal.workflowTaskQueue,
      args: [{ storeHash: stack.storeHash, reason: 'test' }],
    });
    const state = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(ALERT_DISPATCHER_ID).query(alertStateQuery);
      return s.suppressed >= 1 ? s : undefined;
    }, 'the second alert suppressed');
    expect(state.sent).toBe(1);
    expect(alerts.received).toHaveLength(1);
    // The repair also woke reconciliation.
    const r = await stack.client.workflow.getHandle(reconcileWorkflowId(stack.storeHash)).query(reconcileStateQuery);
    expect(r.lastRun?.reason).toMatch(/hook repair/);
    await recordHistory(repair, 'webhook-health-v1-repairs-missing-and-inactive');
    // Still running: one alert sent, the same one again within the cool-down suppressed.
    await recordHistory(stack.client.workflow.getHandle(ALERT_DISPATCHER_ID), 'alert-dispatcher-v1-sent-once-then-suppressed');
  });

  it('a delivery exception starts the health check at once', async () => {
    const before = await hooks();
    const target = before.find((h) => h.scope === 'store/order/archived')!;
    await fetch(`${stack.sandboxes.bcUrl}/__sandbox/hooks/${target.id}/deactivate`, { method: 'POST' });
    const res = await postDelivery(`${stack.apiUrl}/webhooks/bigcommerce/exceptions`, {
      scope: 'store/hook/deliveryException',
      store_id: '1',
      producer: `stores/${stack.storeHash}`,
      hash: 'e'.repeat(40),
      created_at: Math.floor(Date.now() / 1000),
      data: { type: 'webhook', id: target.id, error_code: 90002, message: 'All attempts failed' },
    });
    expect(res.status).toBe(200);
    await eventually(async () => ((await hooks()).find((h) => h.id === target.id)?.isActive ? true : undefined), 'the hook reactivated by the exception-triggered run');
    const bad = await postDelivery(`${stack.apiUrl}/webhooks/bigcommerce/exceptions`, '{"scope":"store/order/created"}');
    expect(bad.status).toBe(400);
  });
});

async function runNumber(handle: WorkflowHandle, n: number): Promise<ReconcileState> {
  return eventually(async () => {
    const s = await handle.query(reconcileStateQuery);
    return s.runs === n ? s : undefined;
  }, `reconciliation run ${n}`);
}

/** A fresh cool-down for the test: alerts from earlier tests must not suppress this one. */
async function resetAlertCooldown(): Promise<void> {
  try {
    await stack.client.workflow.getHandle(ALERT_DISPATCHER_ID).terminate('test reset');
  } catch {
    // not running: nothing to reset
  }
}

function envOf(s: Stack): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: s.config.temporal.address,
    TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    BC_STORE_HASH: s.storeHash,
    BC_ACCESS_TOKEN: 'test-token',
    BC_API_URL: s.sandboxes.bcUrl,
    ERP_API_URL: s.sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'x',
    OMS_API_URL: s.sandboxes.omsUrl,
    OMS_API_KEY: 'k',
    OMS_API_SECRET: 's',
    OMS_WEBHOOK_TOKEN: 'test-oms-token-0123456789',
    WEBHOOK_SECRET: TEST_SECRET,
  };
}
