import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_SECRET_HEADER } from '../../api/shared/webhook-secret';
import { TEST_CLIENT_SECRET, TEST_SECRET } from './stack';

/**
 * The headers BigCommerce sends with a delivery: our custom header, and the Standard Webhooks
 * signature keyed by base64(client secret), as its docs say to verify it.
 */
export function deliveryHeaders(body: string, opts: { clientSecret?: string; webhookId?: string; timestampS?: number; customSecret?: string } = {}): Record<string, string> {
  const id = opts.webhookId ?? `msg_${randomUUID()}`;
  const at = new Date((opts.timestampS ?? Math.floor(Date.now() / 1000)) * 1000);
  const signature = new Webhook(Buffer.from(opts.clientSecret ?? TEST_CLIENT_SECRET).toString('base64')).sign(id, at, body);
  return {
    'content-type': 'application/json',
    [WEBHOOK_SECRET_HEADER]: opts.customSecret ?? TEST_SECRET,
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** POSTs one signed delivery (the body as given, or JSON of the payload). */
export function postDelivery(url: string, payload: unknown, opts: Parameters<typeof deliveryHeaders>[1] = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return fetch(url, { method: 'POST', headers: deliveryHeaders(body, opts), body });
}
