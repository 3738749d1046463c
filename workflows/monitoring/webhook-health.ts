import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ControlActivities } from '../../activities/monitoring/control';
import type { HookCheck } from '../../connectors/bigcommerce/hooks-repair';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import type { WebhookHealthInput } from './webhook-health.contract';

/**
 * Run by a schedule every few minutes, and at once on a `store/hook/deliveryException` event:
 * lists the store's hooks, repairs what is missing, inactive (BigCommerce deactivates a hook after
 * about 48 hours of failed deliveries, or 90 days without activity) or wrong, and for every repair
 * alerts ops once and reconciles the orders changed while the hook was dark.
 */
export async function webhookHealth(input: WebhookHealthInput): Promise<{ repaired: HookCheck[]; checked: number }> {
  const bc = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(input.storeHash),
    startToCloseTimeout: '2m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
    priority: PRIORITY.reconcile,
    summary: `check and repair the hooks of store ${input.storeHash}`,
  });
  const control = proxyActivities<ControlActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 10 }, summary: 'reconcile and alert after a repair' });

  const { checks } = await bc.checkHooks();
  const repaired = checks.filter((c) => c.repaired);
  if (repaired.length > 0) {
    // Orders changed while the hook was dark: the safety-net schedule has covered up to its
    // watermark; this run covers the rest now rather than at the next tick.
    await control.requestReconcile(input.storeHash, { reason: `hook repair (${input.reason})` });
    await control.raiseAlerts([
      {
        key: `hooks-repaired:${input.storeHash}`,
        severity: 'warning',
        title: `Repaired ${repaired.length} webhook(s) of store ${input.storeHash}`,
        text: `${repaired.map((c) => `${c.scope} -> ${c.destination}: was ${c.was}${c.inactiveSinceS ? ` since ${new Date(c.inactiveSinceS * 1000).toISOString()}` : ''}`).join('\n')}\nOrders changed meanwhile are being reconciled.`,
      },
    ]);
  }
  setCurrentDetails(
    [
      `**Webhook health of store \`${input.storeHash}\`** (${input.reason})`,
      ...checks.map((c) => `- ${c.scope} -> ${c.destination}: ${c.was}${c.repaired ? ' -> repaired' : ''}`),
    ].join('\n'),
  );
  return { repaired, checked: checks.length };
}

/** Run by the reconciliation schedule: wakes the store's reconciliation (which keeps the watermark). */
export async function reconcileTick(input: { storeHash: string }): Promise<void> {
  const control = proxyActivities<ControlActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 10 }, summary: `wake the reconciliation of store ${input.storeHash}` });
  await control.requestReconcile(input.storeHash, { reason: 'schedule' });
}
