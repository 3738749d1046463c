import type { RateLimitInfo } from '../../bigcommerce/rate-limit-headers';

/**
 * ShipStation V1 failures as types the activities can act on:
 * - validation: a 400; ShipStation (or the 3PL behind it) refused the order. The message says why;
 *   retrying the same request will not help, fixing the data will.
 * - locked: the order is `shipped` or `cancelled` and ShipStation refuses changes to it
 *   (`orderStatus` says which). Found by the connector after a refused write, not a status code.
 * - auth: 401 (bad key or secret) or 403 (plan without API access).
 * - not_found: 404.
 * - rate_limited: 429; `retryAfterMs` is ShipStation's `X-Rate-Limit-Reset` in ms.
 * - server / network: 5xx, no answer, timeout; retry only what is idempotent (createorder with an
 *   orderKey is).
 * - bad_response: a 2xx whose body is not what ShipStation documents.
 * - untrusted_url: a webhook's resource_url that does not point at the configured ShipStation API.
 */
export type OmsErrorKind = 'validation' | 'locked' | 'auth' | 'not_found' | 'rate_limited' | 'server' | 'network' | 'bad_response' | 'untrusted_url';

export class OmsError extends Error {
  constructor(
    readonly kind: OmsErrorKind,
    message: string,
    readonly details: {
      status?: number;
      method?: string;
      path?: string;
      rateLimit?: RateLimitInfo;
      retryAfterMs?: number;
      /** locked: the status that locks the order. */
      orderStatus?: string;
      orderId?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OmsError';
  }
}

export function kindForStatus(status: number): OmsErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'validation';
}

/**
 * ShipStation answers errors in ASP.NET Web API's shapes: `{"Message": ...}`, with `ModelState`
 * (field -> messages) for a refused body and `ExceptionMessage` on 500s; FACTS.md section 3 also
 * reports `{"message": ...}`. Whatever the case, the most specific text wins.
 */
export function parseShipStationError(body: unknown): string {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const pick = (...names: string[]) => {
      for (const name of names) {
        const key = Object.keys(b).find((k) => k.toLowerCase() === name.toLowerCase());
        if (key && typeof b[key] === 'string' && b[key]) return b[key] as string;
      }
      return undefined;
    };
    const modelState = Object.entries(b).find(([k]) => k.toLowerCase() === 'modelstate')?.[1];
    if (modelState && typeof modelState === 'object') {
      const fields = Object.entries(modelState as Record<string, unknown>).map(([field, msgs]) => `${field}: ${Array.isArray(msgs) ? msgs.join(' ') : String(msgs)}`);
      if (fields.length) return `${pick('message') ?? 'The request is invalid.'} ${fields.join('; ')}`;
    }
    return pick('exceptionMessage', 'message', 'error') ?? 'no error message';
  }
  return typeof body === 'string' && body ? body.slice(0, 300) : 'no error body';
}
