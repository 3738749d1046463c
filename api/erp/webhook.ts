import express, { type Router } from 'express';
import type { Connection } from '@temporalio/client';
import { erpEventBatch, type ErpEvent } from '../../domain/shared/erp-event';
import { webhooksReceived } from '../../lib/metrics';
import { erpEventHandlers } from './event-handlers';
import type { ErpEventDeps, ErpEventHandlers } from './event-deps';
import { secretMatches } from '../shared/webhook-secret';
import { badRequest, describeIssues, unavailable } from '../shared/responses';

export const ERP_TOKEN_HEADER = 'x-bcsync-erp-token';

/**
 * `POST /webhooks/erp`: change events pushed by the ERP (domain/shared/erp-event.ts). 202 once every event
 * is durable in Temporal; 400 with the reason for a malformed batch (nothing of it is taken, so
 * nothing is half-applied); 401 without the shared token; 503 when Temporal does not answer, so the
 * ERP's sender retries. Lost events are still caught: the inventory sweep and the refund sweep read
 * the ERP itself on a schedule.
 */
export function erpWebhookRouter(deps: ErpEventDeps & { connection: Connection; handlers?: ErpEventHandlers }): Router {
  const router = express.Router();
  const handlers = { ...(deps.handlers ?? erpEventHandlers) };
  // INVENTORY_SYNC=off: stock events are acknowledged and ignored (counted), never started.
  if (!deps.config.inventory.enabled) delete handlers.inventory;

  router.post('/webhooks/erp', express.json({ limit: '2mb', type: () => true }), async (req, res) => {
    const expected = deps.config.erp.webhookToken;
    if (!expected) return void unavailable(res, 'ERP_WEBHOOK_TOKEN is not configured');
    if (!secretMatches(req.get(ERP_TOKEN_HEADER), expected)) {
      webhooksReceived.inc({ outcome: 'unauthorized' });
      return void res.status(401).json({ error: 'unauthorized', reason: `missing or wrong ${ERP_TOKEN_HEADER}` });
    }
    const parsed = erpEventBatch.safeParse(req.body);
    if (!parsed.success) {
      webhooksReceived.inc({ outcome: 'invalid' });
      return void badRequest(res, describeIssues(parsed.error.issues), 'invalid payload');
    }
    const byType = <T extends ErpEvent['type']>(t: T) => parsed.data.events.filter((e): e is Extract<ErpEvent, { type: T }> => e.type === t);
    const inventory = byType('inventory.changed');
    const refunds = byType('refund.authorized');
    const items = byType('item.changed');
    try {
      await deps.connection.withDeadline(Date.now() + 10_000, async () => {
        if (inventory.length && handlers.inventory) await handlers.inventory(deps, inventory);
        if (refunds.length && handlers.refund) await handlers.refund(deps, refunds);
        if (items.length && handlers.item) await handlers.item(deps, items);
      });
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err), events: parsed.data.events.length }, 'ERP events not accepted by Temporal; answering 503');
      webhooksReceived.inc({ outcome: 'temporal_unavailable' });
      return void unavailable(res, undefined, 30);
    }
    const ignored =
      (inventory.length && !handlers.inventory ? inventory.length : 0) +
      (refunds.length && !handlers.refund ? refunds.length : 0) +
      (items.length && !handlers.item ? items.length : 0);
    webhooksReceived.inc({ outcome: ignored === parsed.data.events.length ? 'ignored' : 'accepted' });
    res.status(202).json({ accepted: parsed.data.events.length - ignored, ignored });
  });
  return router;
}
