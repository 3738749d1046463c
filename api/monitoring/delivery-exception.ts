import type { Client, Connection } from '@temporalio/client';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/env';
import { storeHashOf, webhookPayloadSchema } from '../../connectors/bigcommerce/webhook-payload';
import { DELIVERY_EXCEPTION_SCOPE } from '../../domain/monitoring/required-hooks';
import type { Logger } from '../../lib/logger';
import { webhooksReceived } from '../../lib/metrics';
import { checkWebhooksNow, raiseAlert } from '../../clients/monitoring';
import { bigCommerceAuth, signedForAnotherStore } from '../bigcommerce/authenticate';
import { parseJsonBody } from '../shared/ingress';
import { describeIssues, unavailable } from '../shared/responses';

const exceptionData = z.object({ type: z.literal('webhook'), id: z.number().int(), error_code: z.number().int(), message: z.string().max(1000).default('') });

/**
 * `POST /webhooks/bigcommerce/exceptions`: BigCommerce's `store/hook/deliveryException` (90001 not
 * delivered, will retry; 90002 retries exhausted, hook being disabled; 90003 destination domain
 * blocked). Each starts the store's webhook health at once instead of at its next tick (bursts
 * share one run), and a blocked domain, which no repair can lift, alerts ops.
 */
export function deliveryExceptionRouter(deps: { client: Client; connection: Connection; logger: Logger; config: Config }): Router {
  const router = express.Router();
  const stores = new Set(deps.config.stores.map((s) => s.storeHash));
  router.post('/webhooks/bigcommerce/exceptions', ...bigCommerceAuth(deps), async (req, res) => {
    const body = parseJsonBody(res, 'bigcommerce_exceptions', req.body);
    const payload = webhookPayloadSchema.safeParse(body.ok ? body.value : undefined);
    if (!payload.success) {
      webhooksReceived.inc({ outcome: 'invalid' });
      return void res.status(400).json({ error: 'invalid payload', reason: body.ok ? describeIssues(payload.error.issues) : body.reason });
    }
    const storeHash = storeHashOf(payload.data);
    // Retrying can never help, and a 4xx counts against the domain in BigCommerce's blocklist rule: 2xx, counted.
    if (!stores.has(storeHash)) {
      webhooksReceived.inc({ outcome: 'unknown_store' });
      return void res.status(200).json({ accepted: false, ignored: `this service does not sync store ${storeHash}` });
    }
    if (signedForAnotherStore(res.locals.signedFor, storeHash)) return void res.status(401).json({ error: 'unauthorized', reason: `signed for another store than ${storeHash}` });
    if (payload.data.scope !== DELIVERY_EXCEPTION_SCOPE) {
      // A valid delivery of another scope at this address (a hook pointed here by mistake): 2xx, counted.
      webhooksReceived.inc({ outcome: 'ignored' });
      return void res.status(200).json({ accepted: false, ignored: `only ${DELIVERY_EXCEPTION_SCOPE} is handled here, not ${payload.data.scope}` });
    }
    const data = exceptionData.safeParse(payload.data.data);
    if (!data.success) {
      webhooksReceived.inc({ outcome: 'invalid' });
      return void res.status(400).json({ error: 'invalid payload', reason: describeIssues(data.error.issues, 'data') });
    }
    const { id, error_code: code, message } = data.data;
    try {
      await deps.connection.withDeadline(Date.now() + 5_000, async () => {
        await checkWebhooksNow(
          deps.client,
          deps.config,
          storeHash,
          `delivery exception ${code} on hook ${id}`,
          `Webhook health of store ${storeHash}, after delivery exception ${code}`,
        );
        if (code === 90003) {
          await raiseAlert(deps.client, deps.config, {
            key: `domain-blocked:${storeHash}`,
            severity: 'critical',
            title: `BigCommerce blocklisted our webhook domain (store ${storeHash})`,
            text: `${message} Fewer than 90% of deliveries succeeded in 2 minutes; BigCommerce holds events for 3 minutes and retries them. Check the API's health and error rate.`,
          });
        }
      });
      deps.logger.warn({ storeHash, hookId: id, code }, `BigCommerce delivery exception: ${message}`);
      webhooksReceived.inc({ outcome: 'accepted' });
      res.json({ accepted: true });
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Temporal did not accept a delivery exception; answering 503');
      unavailable(res);
    }
  });
  return router;
}
