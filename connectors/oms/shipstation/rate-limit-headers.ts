import type { RateLimitInfo } from '../../bigcommerce/rate-limit-headers';

/**
 * ShipStation's rate headers, on every response (FACTS.md section 3): `X-Rate-Limit-Limit` (requests
 * per minute), `X-Rate-Limit-Remaining`, `X-Rate-Limit-Reset` (whole seconds until the window
 * resets). Translated into the BigCommerce pacer's RateLimitInfo so one QuotaPacer serves both.
 * `Headers.get` is case-insensitive, whatever case the server or a proxy uses.
 */
export const SHIPSTATION_WINDOW_MS = 60_000;

export function readShipStationRateHeaders(headers: Headers, windowMs = SHIPSTATION_WINDOW_MS): RateLimitInfo | undefined {
  const read = (name: string): number | undefined => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const remaining = read('x-rate-limit-remaining');
  const resetS = read('x-rate-limit-reset');
  if (remaining === undefined || resetS === undefined) return undefined;
  return { windowMs, resetMs: resetS * 1000, quota: read('x-rate-limit-limit') ?? 40, left: remaining };
}
