import type { ShipStationClient } from './client';
import { OmsError } from './errors';
import { ssSubscribed, ssWebhookList, ssWebhookPayload, type SsWebhookPayload } from './schemas';

export type { SsWebhookPayload };

export type ShipStationEvent = 'ORDER_NOTIFY' | 'ITEM_ORDER_NOTIFY' | 'SHIP_NOTIFY' | 'ITEM_SHIP_NOTIFY';

/**
 * Makes sure one subscription sends `event` to `targetUrl`: reuses a matching one, else subscribes.
 * V1 cannot edit a webhook (only the UI can), so a changed target is a new subscription; the old
 * one is left for ops to remove.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/webhooks/subscribe
 */
export async function ensureWebhook(
  client: ShipStationClient,
  spec: { targetUrl: string; event: ShipStationEvent; friendlyName?: string; storeId?: number },
): Promise<{ webhookId: number; outcome: 'existing' | 'created' }> {
  const list = await client.request({ method: 'GET', path: '/webhooks' }, ssWebhookList);
  const found = list.data?.webhooks.find((w) => w.Url === spec.targetUrl && w.HookType === spec.event && w.Active && (w.StoreID ?? undefined) === spec.storeId);
  if (found) return { webhookId: found.WebHookID, outcome: 'existing' };
  const res = await client.request(
    {
      method: 'POST',
      path: '/webhooks/subscribe',
      body: { target_url: spec.targetUrl, event: spec.event, store_id: spec.storeId ?? null, friendly_name: spec.friendlyName ?? `bcsync ${spec.event}` },
    },
    ssSubscribed,
  );
  if (!res.data) throw new OmsError('bad_response', 'webhooks/subscribe answered without an id', { status: res.status });
  return { webhookId: res.data.id, outcome: 'created' };
}

/** The body ShipStation posts to a webhook target, validated; throws a ZodError otherwise. */
export function parseShipStationWebhook(body: unknown): SsWebhookPayload {
  return ssWebhookPayload.parse(body);
}
