import type { IncomingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';
import type { SignatureMode } from '../../config/signature-modes';
import type { Logger } from '../../lib/logger';
import { webhookSignatureChecks, webhooksReceived } from '../../lib/metrics';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** One sender's keys (a store, or the ERP); during a rotation two secrets verify. */
export interface SigningKey {
  owner: string;
  secrets: readonly string[];
}

export type SignatureVerdict =
  | { ok: true; owners: string[]; webhookId: string }
  | { ok: false; reason: 'missing_headers' | 'malformed_headers' | 'stale_timestamp' | 'bad_signature'; message: string };

const HEADER_LIMITS = { 'webhook-id': 256, 'webhook-timestamp': 16, 'webhook-signature': 2048 } as const;

/**
 * Standard Webhooks verification (https://www.standardwebhooks.com/, the `standardwebhooks`
 * library): `webhook-signature` is `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}">`,
 * and the timestamp must be within 5 minutes of now (the library's tolerance), so a captured
 * delivery cannot be replayed later; inside the window the caller's cache of seen ids catches it.
 * BigCommerce keys it with its API account's client secret: its docs say `new Webhook(base64(client_secret))`
 * (its webhooks overview, https://developer.bigcommerce.com/docs/integrations/webhooks;
 * FACTS.md section 11), so the HMAC key is the secret's own bytes. The ERP's pushes are keyed the same way.
 *
 * The body is verified as raw bytes, before anything parses it. Which secret signed it also says
 * who may have sent it: every owner of that secret (one app installed on several stores signs all
 * of their deliveries with its one client secret), and the caller checks the payload names one.
 */
export class SignatureVerifier {
  private readonly keys: Array<{ owners: string[]; webhook: Webhook }>;

  constructor(keys: readonly SigningKey[]) {
    const owners = new Map<string, string[]>();
    for (const k of keys) for (const secret of k.secrets) owners.set(secret, [...(owners.get(secret) ?? []), k.owner]);
    this.keys = [...owners].map(([secret, o]) => ({ owners: o, webhook: new Webhook(Buffer.from(secret, 'utf8').toString('base64')) }));
  }

  verify(rawBody: Buffer, headers: IncomingHttpHeaders): SignatureVerdict {
    const picked: Record<string, string> = {};
    for (const [name, max] of Object.entries(HEADER_LIMITS)) {
      const value = headers[name];
      if (value === undefined) return { ok: false, reason: 'missing_headers', message: `missing ${name} header` };
      if (typeof value !== 'string' || value.length > max)
        return { ok: false, reason: 'malformed_headers', message: `${name} header is not one value of at most ${max} characters` };
      picked[name] = value;
    }
    const webhookId = picked['webhook-id']!;
    let timestampProblem: string | undefined;
    for (const k of this.keys) {
      try {
        k.webhook.verify(rawBody, picked, { jsonParse: false });
        return { ok: true, owners: k.owners, webhookId };
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        // The timestamp is checked before the signature, the same for every key.
        if (/timestamp|Invalid Signature Headers/i.test(err.message)) timestampProblem = err.message;
      }
    }
    if (timestampProblem) return { ok: false, reason: 'stale_timestamp', message: `webhook-timestamp is not within 5 minutes of now (${timestampProblem.toLowerCase()})` };
    return { ok: false, reason: 'bad_signature', message: 'webhook-signature does not match the body with any configured secret' };
  }
}

/**
 * One sender's signature check on a route, by its mode: `enforce` answers 401 (and the caller
 * stops), `log` counts and logs a failure and lets it through, `off` checks nothing. Counted in
 * `bcsync_webhook_signature_checks_total{sender,outcome,refused}`. Answers the verdict when valid.
 */
export function checkSignature(
  check: { mode: SignatureMode; verifier: SignatureVerifier; sender: 'bigcommerce' | 'erp'; setting: string; logger: Logger },
  req: Request,
  res: Response,
): { refused: true } | { refused: false; valid?: Extract<SignatureVerdict, { ok: true }> } {
  if (check.mode === 'off') return { refused: false };
  const verdict = check.verifier.verify(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.headers);
  const refused = !verdict.ok && check.mode === 'enforce';
  webhookSignatureChecks.inc({ sender: check.sender, outcome: verdict.ok ? 'valid' : verdict.reason, refused: String(refused) });
  if (verdict.ok) return { refused: false, valid: verdict };
  if (refused) {
    webhooksReceived.inc({ outcome: 'unauthorized' });
    res.status(401).json({ error: 'unauthorized', reason: verdict.message });
    return { refused: true };
  }
  check.logger.warn({ sender: check.sender, reason: verdict.reason }, `delivery without a valid signature let through (${check.setting}=log): ${verdict.message}`);
  return { refused: false };
}
