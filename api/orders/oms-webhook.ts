import express, { type Router } from 'express';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../../config/env';
import type { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { shipmentsFromNotification } from '../../connectors/oms/shipstation/shipments-from-notification';
import { parseShipStationWebhook, type SsWebhookPayload } from '../../connectors/oms/shipstation/webhooks';
import type { OmsShipment } from '../../domain/orders/oms-shipment';
import type { Logger } from '../../lib/logger';
import { webhooksReceived } from '../../lib/metrics';
import { omsShipmentsSignal } from '../../workflows/orders/order-sync.contract';
import { signalOrder } from '../../clients/orders';
import { secretMatches } from '../shared/webhook-secret';
import { unavailable } from '../shared/responses';

/** The order key we give every OMS order: `bc-<storeHash>-<orderId>` (domain/shared/ids.ts). */
const ORDER_KEY = /^bc-([a-z0-9]+)-(\d+)$/;

/**
 * `POST /webhooks/oms?token=...`: ShipStation's SHIP_NOTIFY. It carries no signature and no data
 * but a `resource_url` (FACTS.md section 3), so the token in our registered URL authenticates it,
 * and the shipments are read from the OMS with our own credentials (only from the OMS's own host).
 * Each order they belong to gets the shipments by signal; the order's workflow copies them to
 * BigCommerce. 200 only once every signal was accepted; 503 when the OMS or Temporal cannot answer.
 */
export function omsWebhookRouter(deps: { client: Client; connection: Connection; logger: Logger; config: Config; oms?: ShipStationClient }): Router {
  const router = express.Router();
  const stores = new Set(deps.config.stores.map((s) => s.storeHash));

  router.post('/webhooks/oms', express.json({ limit: '64kb', type: () => true }), async (req, res) => {
    if (!secretMatches(typeof req.query.token === 'string' ? req.query.token : undefined, deps.config.oms.webhookToken)) {
      webhooksReceived.inc({ outcome: 'unauthorized' });
      return void res.status(401).json({ error: 'unauthorized', reason: 'missing or wrong token' });
    }
    let notice: SsWebhookPayload;
    try {
      notice = parseShipStationWebhook(req.body);
    } catch {
      webhooksReceived.inc({ outcome: 'invalid' });
      return void res.status(400).json({ error: 'invalid payload', reason: 'expected {resource_url, resource_type}' });
    }
    if (notice.resource_type !== 'SHIP_NOTIFY' && notice.resource_type !== 'ITEM_SHIP_NOTIFY') {
      webhooksReceived.inc({ outcome: 'ignored' });
      return void res.status(200).json({ accepted: false, ignored: `no handler for ${notice.resource_type}` });
    }
    if (!deps.oms) return void unavailable(res, 'no OMS client configured');

    let shipments: OmsShipment[];
    try {
      shipments = await shipmentsFromNotification(deps.oms, notice.resource_url);
    } catch (err) {
      if (err instanceof OmsError && err.kind === 'untrusted_url') {
        webhooksReceived.inc({ outcome: 'invalid' });
        return void res.status(400).json({ error: 'invalid payload', reason: err.message });
      }
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the shipments of an OMS notification; answering 503');
      return void unavailable(res, 'the OMS did not answer');
    }

    const byOrder = new Map<string, OmsShipment[]>();
    for (const s of shipments) {
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
      webhooksReceived.inc({ outcome: 'accepted' });
      res.json({ accepted: true, orders: signalled });
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Temporal did not accept an OMS notification; answering 503');
      webhooksReceived.inc({ outcome: 'temporal_unavailable' });
      unavailable(res);
    }
  });
  return router;
}
