/**
 * The store's request quota: one budget per window shared by every client of the store, as
 * BigCommerce counts it (FACTS.md section 2). Windows are fixed and start at the first request.
 */
export interface RateLimitState {
  quota: number;
  left: number;
  windowMs: number;
  resetMs: number;
}

export class StoreRateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(
    public quota: number,
    public windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; `allowed` is false once the window's quota is spent. */
  take(): { allowed: boolean; state: RateLimitState } {
    this.roll();
    const allowed = this.used < this.quota;
    if (allowed) this.used++;
    return { allowed, state: this.state() };
  }

  state(): RateLimitState {
    this.roll();
    return {
      quota: this.quota,
      left: Math.max(0, this.quota - this.used),
      windowMs: this.windowMs,
      resetMs: Math.max(0, this.windowStart + this.windowMs - this.now()),
    };
  }

  private roll(): void {
    const now = this.now();
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }
}

export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    'X-Rate-Limit-Time-Window-Ms': String(s.windowMs),
    'X-Rate-Limit-Time-Reset-Ms': String(s.resetMs),
    'X-Rate-Limit-Requests-Quota': String(s.quota),
    'X-Rate-Limit-Requests-Left': String(s.left),
  };
}
