import type { RequestHandler } from 'express';
import type { Config } from '../../config/env';
import type { Logger } from '../../lib/logger';
import { webhookSignatureChecks, webhooksReceived } from '../../lib/metrics';
import { rawBody } from '../shared/ingress';
import { checkSignature, SignatureVerifier } from '../shared/signed-webhooks';
import { secretMatches, WEBHOOK_SECRET_HEADER } from '../shared/webhook-secret';

/** BigCommerce's callbacks carry ids only (FACTS.md section 11): well under 1 KB; 16 KB leaves room. */
const BODY_LIMIT = '16kb';

/**
 * Authentication of BigCommerce's deliveries, before anything parses them: the `X-Bcsync-Secret`
 * header (checked before the body is read: 401 without reading it), then the body's raw bytes
 * (16 KB at most, after decompression), then the Standard Webhooks signature over those bytes
 * (BC_WEBHOOK_SIGNATURES). The stores whose client secret verifies are `res.locals.signedFor`;
 * the route checks that the store the payload names is one of them. `res.locals.authenticated` is set last.
 */
export function bigCommerceAuth(deps: { config: Config; logger: Logger }): RequestHandler[] {
  const mode = deps.config.webhookSignatures;
  const verifier = new SignatureVerifier(deps.config.stores.map((s) => ({ owner: s.storeHash, secrets: s.clientSecrets })));
  const header: RequestHandler = (req, res, next) => {
    if (!secretMatches(req.get(WEBHOOK_SECRET_HEADER), deps.config.api.webhookSecret)) {
      webhooksReceived.inc({ outcome: 'unauthorized' });
      res.status(401).json({ error: 'unauthorized', reason: `missing or wrong ${WEBHOOK_SECRET_HEADER} header` });
      return;
    }
    next();
  };
  const signature: RequestHandler = (req, res, next) => {
    const checked = checkSignature({ mode, verifier, sender: 'bigcommerce', setting: 'BC_WEBHOOK_SIGNATURES', logger: deps.logger }, req, res);
    if (checked.refused) return;
    if (checked.valid) {
      res.locals.signedFor = checked.valid.owners;
      res.locals.webhookId = checked.valid.webhookId;
    }
    res.locals.authenticated = true;
    next();
  };
  return [header, rawBody(BODY_LIMIT), signature];
}

/** A delivery signed with one store's secret that names another store: refused in every mode that verifies. */
export function signedForAnotherStore(signedFor: unknown, storeHash: string): boolean {
  if (!Array.isArray(signedFor) || signedFor.includes(storeHash)) return false;
  webhookSignatureChecks.inc({ sender: 'bigcommerce', outcome: 'other_store', refused: 'true' });
  webhooksReceived.inc({ outcome: 'unauthorized' });
  return true;
}
