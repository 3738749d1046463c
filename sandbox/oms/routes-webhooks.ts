import express, { type Router } from 'express';
import { z } from 'zod';
import type { OmsContext } from './context';
import { ssMessage, ssModelState } from './errors';
import { toModelState } from './order-body';
import type { SsWebhook } from './state';

/** The sandbox's ShipStation account (SellerID in webhook listings). */
const SELLER_ID = 100001;

export const WEBHOOK_EVENTS = ['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY', 'FULFILLMENT_SHIPPED', 'FULFILLMENT_REJECTED'] as const;

const subscribeBody = z.object({
  target_url: z.url({ protocol: /^https?$/ }),
  event: z.enum(WEBHOOK_EVENTS),
  // The docs say int; the spec's request schema says nullable string. Both are accepted.
  store_id: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
  friendly_name: z.string().max(200).nullish(),
});

/** Webhooks: https://docs.shipstation.com/apis/shipstation-v1/docs/webhooks */
export function webhooksRouter(ctx: OmsContext): Router {
  const router = express.Router();

  router.post('/webhooks/subscribe', (req, res) => {
    const parsed = subscribeBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json(ssModelState(toModelState(parsed.error, 'subscription')));
    const b = parsed.data;
    const hook: SsWebhook = {
      webhookId: ctx.data.nextIds.webhook++,
      targetUrl: b.target_url,
      event: b.event,
      storeId: b.store_id ?? null,
      friendlyName: b.friendly_name ?? '',
      active: true,
    };
    ctx.data.webhooks[String(hook.webhookId)] = hook;
    ctx.changed();
    res.json({ id: hook.webhookId });
  });

  router.get('/webhooks', (_req, res) => {
    res.json({
      webhooks: Object.values(ctx.data.webhooks).map((h) => ({
        IsLabelAPIHook: false,
        WebHookID: h.webhookId,
        SellerID: SELLER_ID,
        // null: the hook fires for every store (subscribed without store_id).
        StoreID: h.storeId,
        HookType: h.event,
        MessageFormat: 'Json',
        Url: h.targetUrl,
        Name: h.friendlyName,
        BulkCopyBatchID: null,
        BulkCopyRecordID: null,
        Active: h.active,
        WebhookLogs: [],
        Seller: null,
        Store: null,
      })),
    });
  });

  router.delete('/webhooks/:webhookId', (req, res) => {
    const id = String(req.params.webhookId);
    if (!ctx.data.webhooks[id]) return void res.status(404).json(ssMessage(`Webhook ${id} not found.`));
    delete ctx.data.webhooks[id];
    ctx.changed();
    // The spec declares 200 with no body.
    res.status(200).end();
  });

  return router;
}
