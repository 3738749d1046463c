import type { Response } from 'express';

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
export function unavailable(res: Response, reason = 'workflow service unreachable; retry later', retryAfterS = 60): void {
  res.status(503).set('Retry-After', String(retryAfterS)).json({ error: 'temporarily unavailable', reason });
}
