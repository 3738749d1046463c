import express, { type Router } from 'express';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../../config/env';
import type { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { shipmentsFromNotification, trustedShipmentsUrl } from '../../connectors/oms/shipstation/shipments-from-notification';
import { parseShipStationWebhook, type SsWebhookPayload } from '../../connectors/oms/shipstation/webhooks';
import type { OmsShipment } from '../../domain/orders/oms-shipment';
import type { Logger } from '../../lib/logger';
import { webhooksReceived } from '../../lib/metrics';
import { omsShipmentsSignal } from '../../workflows/orders/order-sync.contract';
import { signalOrder } from '../../clients/orders';
import { DeliveryGate } from '../shared/recent-deliveries';
import { secretMatches } from '../shared/webhook-secret';
import { unavailable } from '../shared/responses';
import { parseJsonBody, rawBody } from '../shared/ingress';

/** The order key we give every OMS order: `bc-<storeHash>-<orderId>` (domain/shared/ids.ts). */
const ORDER_KEY = /^bc-([a-z0-9]+)-(\d+)$/;

/** What reading and signalling one batch came to; shared by every request that waited on it. */
type BatchOutcome = { kind: 'accepted'; orders: string[]; truncated: boolean } | { kind: 'oms_unavailable' } | { kind: 'temporal_unavailable' };

/**
 * `POST /webhooks/oms?token=...`: ShipStation's SHIP_NOTIFY. It carries no signature and no data
 * but a `resource_url` (FACTS.md section 3), so the token in our registered URL authenticates it,
 * and the shipments are read from the OMS with our own credentials (only from the OMS's own host).
 * Each order they belong to gets the shipments by signal; the order's workflow copies them to
 * BigCommerce. 200 only once every signal was accepted; 503 when the OMS or Temporal cannot answer.
 * The resource_url is only trusted for its batch id (shipments-from-notification.ts: any other URL
 * is a 400), and the read is bounded (pages, bytes, a deadline). One read per batch: a batch whose
 * shipments were handed to Temporal in the last 15 minutes is answered 200 without reading it
 * again, and identical notifications arriving together wait on the one read in flight. A batch
 * that answered 503 is not remembered, so ShipStation's retry reads it again. Both are per process.
 */
export function omsWebhookRouter(deps: { client: Client; connection: Connection; logger: Logger; config: Config; oms?: ShipStationClient }): Router {
  const router = express.Router();
  const stores = new Set(deps.config.stores.map((s) => s.storeHash));
  /** Canonical batch URLs: remembered (bounded, expiring) once their shipments are durable in Temporal. */
  const gate = new DeliveryGate<BatchOutcome>((o) => o.kind === 'accepted');

  async function readAndSignal(oms: ShipStationClient, batchUrl: URL): Promise<BatchOutcome> {
    let read: Awaited<ReturnType<typeof shipmentsFromNotification>>;
    try {
      read = await shipmentsFromNotification(oms, batchUrl);
    } catch (err) {
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the shipments of an OMS notification; answering 503');
      return { kind: 'oms_unavailable' };
    }
    if (read.truncated) {
      deps.logger.warn(
        { batchId: read.batchId, pagesRead: read.pagesRead, pages: read.pages, shipments: read.shipments.length },
        'an OMS notification names more pages than one notification may read; the rest of the batch is not read',
      );
    }
    const byOrder = new Map<string, OmsShipment[]>();
    for (const s of read.shipments) {
      const m = ORDER_KEY.exec(s.orderKey);
      if (!m || !stores.has(m[1]!)) continue; // orders that are not ours (other channels) are none of our business
      byOrder.set(s.orderKey, [...(byOrder.get(s.orderKey) ?? []), s]);
    }
    try {
      const signalled = [];
      for (const [orderKey, list] of byOrder) {
        const [, storeHash, orderId] = ORDER_KEY.exec(orderKey)!;
        const r = await deps.connection.withDeadline(Date.now() + 5_000, () =>
          signalOrder(deps.client, deps.config, storeHash!, Number(orderId), omsShipmentsSignal, [{ shipments: list }]),
        );
        signalled.push(r.workflowId);
      }
      return { kind: 'accepted', orders: signalled, truncated: read.truncated };
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Temporal did not accept an OMS notification; answering 503');
      return { kind: 'temporal_unavailable' };
    }
  }

  router.post(
    '/webhooks/oms',
    // The token in our registered URL, before the body is read: an unauthenticated caller gets 401 only.
    (req, res, next) => {
      if (!secretMatches(typeof req.query.token === 'string' ? req.query.token : undefined, deps.config.oms.webhookToken)) {
        webhooksReceived.inc({ outcome: 'unauthorized' });
        return void res.status(401).json({ error: 'unauthorized', reason: 'missing or wrong token' });
      }
      res.locals.authenticated = true;
      next();
    },
    rawBody('64kb'),
    async (req, res) => {
      const body = parseJsonBody(res, 'oms', req.body);
      let notice: SsWebhookPayload;
      try {
        if (!body.ok) throw new Error(body.reason);
        notice = parseShipStationWebhook(body.value);
      } catch {
        webhooksReceived.inc({ outcome: 'invalid' });
        return void res.status(400).json({ error: 'invalid payload', reason: body.ok ? 'expected {resource_url, resource_type}' : body.reason });
      }
      if (notice.resource_type !== 'SHIP_NOTIFY' && notice.resource_type !== 'ITEM_SHIP_NOTIFY') {
        webhooksReceived.inc({ outcome: 'ignored' });
        return void res.status(200).json({ accepted: false, ignored: `no handler for ${notice.resource_type}` });
      }
      if (!deps.oms) return void unavailable(res, 'no OMS client configured');

      let batchUrl: URL;
      try {
        batchUrl = trustedShipmentsUrl(deps.oms, notice.resource_url);
      } catch (err) {
        // Only OmsError 'untrusted_url' is thrown there: the URL is not the documented shape.
        webhooksReceived.inc({ outcome: 'invalid' });
        return void res.status(400).json({ error: 'invalid payload', reason: err instanceof OmsError ? err.message : 'resource_url refused' });
      }
      const key = batchUrl.toString();
      // A batch already durable in Temporal, or durable by the time the read in flight for it ends: a duplicate.
      const gated = await gate.run(key, () => readAndSignal(deps.oms!, batchUrl));
      if (gated.duplicate) {
        webhooksReceived.inc({ outcome: 'duplicate' });
        return void res.status(200).json({ accepted: true, duplicate: true });
      }
      const outcome = gated.outcome;
      if (outcome.kind === 'oms_unavailable') return void unavailable(res, 'the OMS did not answer');
      if (outcome.kind === 'temporal_unavailable') {
        webhooksReceived.inc({ outcome: 'temporal_unavailable' });
        return void unavailable(res);
      }
      webhooksReceived.inc({ outcome: 'accepted' });
      res.json({ accepted: true, orders: outcome.orders, ...(outcome.truncated ? { truncated: true } : {}) });
    },
  );
  return router;
}
