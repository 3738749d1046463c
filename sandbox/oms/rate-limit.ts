import { StoreRateLimiter, type RateLimitState } from '../bigcommerce/rate-limiter';

/**
 * ShipStation V1's limit: 40 requests per minute per API key + secret (FACTS.md section 3), a
 * fixed window per credential pair. Each pair gets its own window (the BigCommerce sandbox's
 * limiter, one per pair). Every response carries `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining`
 * and `X-Rate-Limit-Reset` (whole seconds until the window resets, rounded up so that a client
 * waiting that long always finds a new window).
 */
export class KeyRateLimits {
  private readonly byKey = new Map<string, StoreRateLimiter>();
  readonly stats = { allowed: 0, limited: 0 };

  constructor(
    public limit: number,
    public windowMs: number,
    public enabled: boolean,
    private readonly now: () => number,
  ) {}

  /** Counts one request for this credential; 429s count too, as they do on ShipStation. */
  take(key: string): { limited: boolean; state: RateLimitState } {
    let limiter = this.byKey.get(key);
    if (!limiter) {
      limiter = new StoreRateLimiter(this.limit, this.windowMs, this.now);
      this.byKey.set(key, limiter);
    }
    limiter.enabled = this.enabled;
    const { outcome, state } = limiter.take(key);
    if (outcome === 'allowed') this.stats.allowed++;
    else this.stats.limited++;
    return { limited: outcome !== 'allowed', state };
  }

  /** New limit or window: every credential starts a fresh window. */
  configure(settings: { limit?: number; windowMs?: number; enabled?: boolean }): void {
    if (settings.limit !== undefined) this.limit = settings.limit;
    if (settings.windowMs !== undefined) this.windowMs = settings.windowMs;
    if (settings.enabled !== undefined) this.enabled = settings.enabled;
    this.byKey.clear();
  }

  settings(): { limit: number; windowMs: number; enabled: boolean } {
    return { limit: this.limit, windowMs: this.windowMs, enabled: this.enabled };
  }
}

export function shipStationRateHeaders(s: RateLimitState): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(s.quota),
    'X-Rate-Limit-Remaining': String(s.left),
    'X-Rate-Limit-Reset': String(Math.ceil(s.resetMs / 1000)),
  };
}
