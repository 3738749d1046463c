import type { HookCheck } from '../../connectors/bigcommerce/hooks-repair';
import { workflowTaskQueue } from '../shared/task-queue';

/**
 * The contract of `webhookHealth`, the scheduled check and repair of the store's webhooks
 * (`webhook-health:<storeHash>`; `webhook-health:<storeHash>:exception` when BigCommerce reports a
 * delivery exception).
 */

/** The workflow type, as registered by the workers and started by name from outside. */
export const WEBHOOK_HEALTH_WORKFLOW = 'webhookHealth';
/** Runs on the workers' workflow queue. */
export const webhookHealthTaskQueue = workflowTaskQueue;
export interface WebhookHealthInput {
  storeHash: string;
  /** schedule, delivery exception 90001/90002/90003, ops ... */
  reason: string;
}

export type WebhookHealthWorkflow = (input: WebhookHealthInput) => Promise<{ repaired: HookCheck[]; checked: number }>;

/** The scheduled run (`webhook-health:<storeHash>`) or the one a delivery exception starts at once (`...:exception`). */
export const webhookHealthWorkflowId = (storeHash: string, cause?: 'exception'): string => (cause ? `webhook-health:${storeHash}:${cause}` : `webhook-health:${storeHash}`);
/** Its schedule, one per store. */
export const webhookHealthScheduleId = (storeHash: string): string => `bcsync-webhook-health-${storeHash}`;
