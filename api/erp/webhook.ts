import express, { type Request, type Response, type Router } from 'express';
import type { Connection } from '@temporalio/client';
import { checkErpEvent, erpEventEnvelope, type ErpEvent, type RejectedErpEvent } from '../../domain/shared/erp-event';
import { webhooksReceived } from '../../lib/metrics';
import { erpEventHandlers } from './event-handlers';
import type { ErpEventDeps, ErpEventHandlers, HandlerResult } from './event-deps';
import { secretMatches } from '../shared/webhook-secret';
import { type Answer, describeIssues, invalidDelivery, sendAnswer, unavailable, unavailableAnswer } from '../shared/responses';
import { isTemporalRefusal, parseJsonBody, rawBody, temporalRefusalReason } from '../shared/ingress';
import { DeliveryGate } from '../shared/recent-deliveries';
import { checkSignature, SignatureVerifier } from '../shared/signed-webhooks';

export const ERP_TOKEN_HEADER = 'x-bcsync-erp-token';

/** An ERP batch is at most 1000 small events: about 512 KB, counted after decompression. */
const BODY_LIMIT = '512kb';

/**
 * `POST /webhooks/erp`: change events pushed by the ERP (domain/shared/erp-event.ts), in this order:
 * 1. the `x-bcsync-erp-token` header (401 before the body is read; 503 when ERP_WEBHOOK_TOKEN is unset);
 * 2. the raw body, at most 512 KB inflated (413, gzip bombs included);
 * 3. the Standard Webhooks signature over those bytes (ERP_WEBHOOK_SIGNATURES: `enforce` refuses
 *    with 401, `log` counts and lets through), the timestamp within 5 minutes, and the `webhook-id`:
 *    a delivery already taken is answered 200 `duplicate` and starts nothing;
 * 4. only then the JSON, the envelope (an array of at most 1000) and each event on its own.
 * Good events are taken and bad ones reported per event (index, eventId, reason): 202
 * `{accepted, ignored, rejected}`, or 400 with the same when nothing could be taken. An event
 * Temporal refuses as invalid is rejected like a malformed one (retrying can never help); 503 only
 * when Temporal does not answer, so the ERP sends the batch again. Lost events are still caught: the
 * inventory sweep and the refund sweep read the ERP itself on a schedule.
 */
export function erpWebhookRouter(deps: ErpEventDeps & { connection: Connection; handlers?: ErpEventHandlers }): Router {
  const router = express.Router();
  const handlers = { ...(deps.handlers ?? erpEventHandlers) };
  // INVENTORY_SYNC=off: stock events are acknowledged and ignored (counted), never started.
  if (!deps.config.inventory.enabled) delete handlers.inventory;
  const mode = deps.config.erp.webhookSignatures;
  const verifier = new SignatureVerifier([{ owner: 'erp', secrets: deps.config.erp.webhookSigningSecrets }]);
  // Remembered only once its events are durable: a copy of a batch answered 503 is taken again.
  const gate = new DeliveryGate<Answer>((answer) => answer.status === 202);

  router.post(
    '/webhooks/erp',
    (req, res, next) => {
      const expected = deps.config.erp.webhookToken;
      if (!expected) return void unavailable(res, 'ERP_WEBHOOK_TOKEN is not configured');
      if (!secretMatches(req.get(ERP_TOKEN_HEADER), expected)) {
        webhooksReceived.inc({ outcome: 'unauthorized' });
        return void res.status(401).json({ error: 'unauthorized', reason: `missing or wrong ${ERP_TOKEN_HEADER}` });
      }
      next();
    },
    rawBody(BODY_LIMIT),
    async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const checked = checkSignature({ mode, verifier, sender: 'erp', setting: 'ERP_WEBHOOK_SIGNATURES', logger: deps.logger }, req, res);
      if (checked.refused) return;
      res.locals.authenticated = true;
      // A batch already taken is a duplicate; a copy arriving while it is handled waits for its outcome.
      const gated = await gate.run(checked.valid?.webhookId, () => take(res, raw));
      if (gated.duplicate) {
        webhooksReceived.inc({ outcome: 'duplicate' });
        return void res.status(200).json({ accepted: 0, ignored: 0, rejected: [], duplicate: true });
      }
      sendAnswer(res, gated.outcome);
    },
  );

  /** Parses, validates each event and hands the good ones to their flows' handlers. */
  async function take(res: Response, raw: Buffer): Promise<Answer> {
    const body = parseJsonBody(res, 'erp', raw);
    if (!body.ok) return invalidDelivery(body.reason);
    // The envelope first: an array of at most 1000, before a single event is looked at.
    const envelope = erpEventEnvelope.safeParse(body.value);
    if (!envelope.success) return invalidDelivery(describeIssues(envelope.error.issues));

    const now = Date.now();
    const rejected: RejectedErpEvent[] = [];
    const indexOf = new Map<ErpEvent, number>();
    envelope.data.events.forEach((raw, index) => {
      const checked = checkErpEvent(raw, now);
      if (checked.ok) indexOf.set(checked.event, index);
      else rejected.push({ index, ...(checked.eventId !== undefined ? { eventId: checked.eventId } : {}), reason: checked.reason });
    });
    const valid = [...indexOf.keys()];
    const byType = <T extends ErpEvent['type']>(t: T) => valid.filter((e): e is Extract<ErpEvent, { type: T }> => e.type === t);
    const inventory = byType('inventory.changed');
    const refunds = byType('refund.authorized');
    const items = byType('item.changed');

    const refuse = (event: ErpEvent, reason: string) => rejected.push({ index: indexOf.get(event)!, eventId: event.eventId, reason });
    /** One kind's handler: its refusals, and Temporal refusing the whole share (never worth a retry), become per-event rejections. */
    async function run<E extends ErpEvent>(events: E[], handler: ((d: ErpEventDeps, e: E[]) => HandlerResult<E>) | undefined): Promise<void> {
      if (!events.length || !handler) return;
      try {
        const out = await handler(deps, events);
        for (const r of out?.rejected ?? []) refuse(r.event, r.reason);
      } catch (err) {
        if (!isTemporalRefusal(err)) throw err;
        const reason = temporalRefusalReason(err);
        deps.logger.warn({ events: events.length, type: events[0]!.type, reason }, 'ERP events refused by Temporal; reported as rejected');
        for (const e of events) refuse(e, reason);
      }
    }
    try {
      await deps.connection.withDeadline(Date.now() + 10_000, async () => {
        await run(inventory, handlers.inventory);
        await run(refunds, handlers.refund);
        await run(items, handlers.item);
      });
    } catch (err) {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err), events: valid.length }, 'ERP events not accepted by Temporal; answering 503');
      webhooksReceived.inc({ outcome: 'temporal_unavailable' });
      return unavailableAnswer(undefined, 30);
    }

    const ignored =
      (inventory.length && !handlers.inventory ? inventory.length : 0) +
      (refunds.length && !handlers.refund ? refunds.length : 0) +
      (items.length && !handlers.item ? items.length : 0);
    const accepted = envelope.data.events.length - rejected.length - ignored;
    rejected.sort((a, b) => a.index - b.index);
    if (accepted === 0 && ignored === 0) {
      webhooksReceived.inc({ outcome: 'invalid' });
      return {
        status: 400,
        body: { error: 'invalid payload', reason: `no event could be taken; first: event ${rejected[0]!.index}: ${rejected[0]!.reason}`, accepted, ignored, rejected },
      };
    }
    webhooksReceived.inc({ outcome: rejected.length ? 'partly_rejected' : accepted === 0 ? 'ignored' : 'accepted' });
    if (rejected.length) deps.logger.warn({ rejected: rejected.slice(0, 10), count: rejected.length }, 'ERP events rejected; the rest of the batch taken');
    return { status: 202, body: { accepted, ignored, rejected } };
  }

  return router;
}
