import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../../config/env';
import express, { type Request, type Response, type Router } from 'express';
import { isOrderScope, orderEventDataSchema, storeHashOf, webhookPayloadSchema, type WebhookPayload } from '../../connectors/bigcommerce/webhook-payload';
import { orderWorkflowId, orderEventSignal } from '../../workflows/orders/order-sync.contract';
import type { Logger } from '../../lib/logger';
import { webhooksReceived } from '../../lib/metrics';
import { signalOrder } from '../../clients/orders';
import { startRefund } from '../../clients/refunds';
import { acceptInventoryWebhook, InventoryWebhookBatcher, isInventoryScope } from '../inventory/inventory-events';
import { DeliveryGate } from '../shared/recent-deliveries';
import { type Answer, describeIssues, invalidDelivery, sendAnswer, unavailableAnswer } from '../shared/responses';
import { isTemporalRefusal, parseJsonBody } from '../shared/ingress';
import { bigCommerceAuth, signedForAnotherStore } from './authenticate';

export interface WebhookDeps {
  client: Client;
  connection: Connection;
  logger: Logger;
  config: Config;
  /** How long to wait for Temporal before answering 503. BigCommerce's own timeout is undocumented. */
  temporalTimeoutMs?: number;
}

/**
 * `POST /webhooks/bigcommerce`: authenticate, validate, and hand the event to the order's workflow.
 * Authentication comes before parsing: the `X-Bcsync-Secret` header (before the body is read), then
 * the Standard Webhooks signature over the raw bytes (BC_WEBHOOK_SIGNATURES; the store is the one
 * whose client secret verifies, and it must be the store the payload names). A delivery id already
 * handed to Temporal is a duplicate (200, nothing started): retries, duplicates and replays alike.
 * The answer is 200 only once Temporal has durably accepted the signal: if we answered first and
 * then failed, BigCommerce would consider the event delivered and it would be lost. 4xx answers
 * are for input that can never succeed; 503 tells BigCommerce to retry later.
 */
export function bigCommerceWebhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  const storeHashes = new Set(deps.config.stores.map((s) => s.storeHash));
  const inventoryBatcher = new InventoryWebhookBatcher({ client: deps.client, config: deps.config });
  // A delivery already durable in Temporal is a duplicate; a copy arriving while it is handled waits for it.
  const gate = new DeliveryGate<Answer>((a) => a.status === 200 && a.body.accepted === true);

  router.post('/webhooks/bigcommerce', ...bigCommerceAuth(deps), async (req: Request, res: Response) => {
    const body = parseJsonBody(res, 'bigcommerce', req.body);
    if (!body.ok) return void sendAnswer(res, invalidDelivery(body.reason));
    const parsed = webhookPayloadSchema.safeParse(body.value);
    if (!parsed.success) return void sendAnswer(res, invalidDelivery(describeIssues(parsed.error.issues)));
    const payload = parsed.data;
    const storeHash = storeHashOf(payload);
    if (!storeHashes.has(storeHash)) {
      // Retrying can never help, and a 4xx counts against the whole domain in BigCommerce's 90%
      // blocklist rule: 2xx, counted. A store removed from BC_STORES whose app is still installed
      // signs with the app's shared client secret, so this comes before the signature's store check.
      webhooksReceived.inc({ outcome: 'unknown_store' });
      return void res.status(200).json({ accepted: false, ignored: `this service does not sync store ${storeHash}` });
    }
    if (signedForAnotherStore(res.locals.signedFor, storeHash)) return void res.status(401).json({ error: 'unauthorized', reason: `signed for another store than ${storeHash}` });
    // The verified delivery id; with signatures off, the header as sent when it is of a sane length.
    const header = req.get('webhook-id');
    const webhookId: string | undefined = res.locals.webhookId ?? (header && header.length <= 256 ? header : undefined);
    const gated = await gate.run(webhookId ? `${storeHash}:${webhookId}` : undefined, () => handle(payload, storeHash));
    if (gated.duplicate) {
      webhooksReceived.inc({ outcome: 'duplicate' });
      return void res.status(200).json({ accepted: true, duplicate: true });
    }
    sendAnswer(res, gated.outcome);
  });

  /** What one delivery of a store we sync comes to, once Temporal has (or has not) taken it. */
  async function handle(payload: WebhookPayload, storeHash: string): Promise<Answer> {
    if (isInventoryScope(payload.scope) && !deps.config.inventory.enabled) {
      // Hooks left from when inventory was on: 2xx, or BigCommerce would deactivate the hook; health removes them.
      webhooksReceived.inc({ outcome: 'ignored' });
      return { status: 200, body: { accepted: false, ignored: 'INVENTORY_SYNC is off' } };
    }
    if (isInventoryScope(payload.scope)) {
      // Inventory: only to tell the echoes of our own writes from changes made elsewhere (api/inventory/inventory-events.ts).
      try {
        const out = await deps.connection.withDeadline(Date.now() + (deps.temporalTimeoutMs ?? 5_000), () => acceptInventoryWebhook(inventoryBatcher, storeHash, payload));
        webhooksReceived.inc({ outcome: out.status === 200 ? 'accepted' : 'invalid' });
        return out;
      } catch (err) {
        deps.logger.error({ err: errorSummary(err), scope: payload.scope }, 'Temporal did not accept the inventory event');
        return notTaken(err, payload.scope);
      }
    }
    if (!isOrderScope(payload.scope) || payload.data.type !== 'order') {
      // A valid event we do not act on yet. 2xx, or BigCommerce would retry and then deactivate the hook.
      webhooksReceived.inc({ outcome: 'ignored' });
      return { status: 200, body: { accepted: false, ignored: `no handler for ${payload.scope} (${String(payload.data.type)})` } };
    }
    const data = orderEventDataSchema.safeParse(payload.data);
    if (!data.success) return invalidDelivery(describeIssues(data.error.issues, 'data'));
    const orderId = data.data.id;
    const refundId = /\/refund\/created$/.test(payload.scope) ? data.data.refund?.refund_id : undefined;
    if (/\/refund\/created$/.test(payload.scope) && refundId === undefined) return invalidDelivery('data.refund.refund_id: a refund event needs the refund id');
    const workflowId = orderWorkflowId(storeHash, orderId);
    const log = deps.logger.child({ workflowId, scope: payload.scope, hash: payload.hash });
    try {
      const deadline = Date.now() + (deps.temporalTimeoutMs ?? 5_000);
      const started = await deps.connection.withDeadline(deadline, () =>
        signalOrder(deps.client, deps.config, storeHash, orderId, orderEventSignal, [{ scope: payload.scope, hash: payload.hash, createdAt: payload.created_at }]),
      );
      // A refund also gets its own workflow, which books it in the ERP (the order's sees its status move).
      if (refundId !== undefined) await deps.connection.withDeadline(deadline, () => startRefund(deps.client, deps.config, storeHash, orderId, refundId));
      log.info({ runId: started.runId }, 'webhook accepted');
      webhooksReceived.inc({ outcome: 'accepted' });
      return { status: 200, body: { accepted: true, workflowId, runId: started.runId } };
    } catch (err) {
      log.error({ err: errorSummary(err) }, 'Temporal did not accept the event');
      return notTaken(err, payload.scope);
    }
  }
  return router;
}

/**
 * Temporal did not take the event: refused as invalid (a retry could never succeed: 400 naming it),
 * or unreachable (503, so BigCommerce retries).
 */
function notTaken(err: unknown, scope: string): Answer {
  if (isTemporalRefusal(err)) return invalidDelivery(`Temporal refused the ${scope} event: ${errorSummary(err).message}`);
  webhooksReceived.inc({ outcome: 'temporal_unavailable' });
  return unavailableAnswer();
}

function errorSummary(err: unknown): { name: string; message: string; cause?: string } {
  if (!(err instanceof Error)) return { name: 'unknown', message: String(err) };
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return { name: err.name, message: err.message, ...(cause ? { cause } : {}) };
}
