import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ERP_TOKEN_HEADER } from '../../api/erp/webhook';
import { TEST_ERP_SIGNING_SECRET, TEST_ERP_TOKEN } from './stack';

export interface ErpPushOptions {
  /** The `x-bcsync-erp-token` header; '' leaves it out. */
  token?: string;
  /** The signing secret; null sends the push unsigned. */
  secret?: string | null;
  webhookId?: string;
  /** When it was signed (default now). */
  signedAt?: Date;
  /** Extra or replacing headers (e.g. content-encoding). */
  headers?: Record<string, string>;
}

/** Standard Webhooks headers as the ERP signs a push: the library's own `sign`, keyed by base64(secret). */
export function erpSignatureHeaders(body: string | Buffer, secret: string, webhookId = `msg_${randomUUID()}`, signedAt = new Date()): Record<string, string> {
  const signature = new Webhook(Buffer.from(secret, 'utf8').toString('base64')).sign(webhookId, signedAt, body);
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)), 'webhook-signature': signature };
}

/** POSTs to `POST /webhooks/erp` as the ERP does: the token header and a signature (both overridable). */
export async function postErp(url: string, body: unknown, opts: ErpPushOptions = {}): Promise<Response> {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const token = opts.token ?? TEST_ERP_TOKEN;
  const secret = opts.secret === undefined ? TEST_ERP_SIGNING_SECRET : opts.secret;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { [ERP_TOKEN_HEADER]: token } : {}),
      ...(secret !== null ? erpSignatureHeaders(text, secret, opts.webhookId, opts.signedAt) : {}),
      ...opts.headers,
    },
    body: text,
  });
}
