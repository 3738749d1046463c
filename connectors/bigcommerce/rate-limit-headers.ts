/**
 * The four rate headers BigCommerce sends on every response (shared/bigcommerce/FACTS.md section 2).
 * `Headers.get` is case-insensitive, which matters: BigCommerce sends lowercase names, and clients
 * that look up `X-Rate-Limit-Time-Reset-Ms` in a plain object retry at once.
 */
export interface RateLimitInfo {
  windowMs: number;
  /** Milliseconds left in the current window (not the window size, whatever one docs table says). */
  resetMs: number;
  quota: number;
  left: number;
}

export function readRateLimitHeaders(headers: Headers): RateLimitInfo | undefined {
  const read = (name: string): number | undefined => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const resetMs = read('x-rate-limit-time-reset-ms');
  const left = read('x-rate-limit-requests-left');
  if (resetMs === undefined || left === undefined) return undefined;
  return {
    windowMs: read('x-rate-limit-time-window-ms') ?? 30_000,
    resetMs,
    quota: read('x-rate-limit-requests-quota') ?? 0,
    left,
  };
}
