import type { Response } from 'express';
import { webhooksReceived } from '../../lib/metrics';

type Issue = { readonly path: readonly PropertyKey[]; readonly message: string };

/**
 * Zod's issues as one line a sender can act on: `path: message` for the first five, paths under
 * `prefix` (e.g. `data` for a webhook's payload), `body` when the whole input is wrong.
 */
export function describeIssues(issues: readonly Issue[], prefix?: string): string {
  return issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || 'body'}: ${i.message}`)
    .join('; ');
}

/** 400: input that can never succeed, with the reason. */
export function badRequest(res: Response, reason: string, error = 'bad request'): void {
  res.status(400).json({ error, reason });
}

/**
 * 503 with Retry-After: nothing was taken (Temporal, the OMS or a setting is missing), so the
 * sender must send again; senders that retry (BigCommerce, ShipStation, the ERP) do.
 */
export function unavailable(res: Response, reason?: string, retryAfterS?: number): void {
  sendAnswer(res, unavailableAnswer(reason, retryAfterS));
}

/** A receiver's answer, worked out before it is sent (copies of a delivery waiting on it share it). */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfterS?: number;
}

export function sendAnswer(res: Response, answer: Answer): void {
  if (answer.retryAfterS !== undefined) res.set('Retry-After', String(answer.retryAfterS));
  res.status(answer.status).json(answer.body);
}

/** The 503 of `unavailable`, as an answer. */
export function unavailableAnswer(reason = 'workflow service unreachable; retry later', retryAfterS = 60): Answer {
  return { status: 503, body: { error: 'temporarily unavailable', reason }, retryAfterS };
}

/** 400 for a delivery that can never be taken, counted in `bcsync_webhooks_total{outcome="invalid"}`. */
export function invalidDelivery(reason: string): Answer {
  webhooksReceived.inc({ outcome: 'invalid' });
  return { status: 400, body: { error: 'invalid payload', reason } };
}
