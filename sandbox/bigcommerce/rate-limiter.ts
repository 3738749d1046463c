/**
 * The store's request quota: one budget per window shared by every client of the store, as
 * BigCommerce counts it (FACTS.md section 2). Windows are fixed and start at the first request.
 *
 * Controls simulate what a real store does to us: other apps spending part of the quota
 * (`otherAppsShare`), and platform-load 429s that carry no rate headers (`platformLoadRate`).
 */
export interface RateLimitState {
  quota: number;
  left: number;
  windowMs: number;
  resetMs: number;
}

export interface QuotaPressure {
  /** Share of each window's quota taken by other apps on the store, spread evenly over the window. */
  otherAppsShare: number;
  /** Probability that a request gets a platform-load 429 (no rate headers), before counting. */
  platformLoadRate: number;
}

export const PLAN_QUOTAS = { standard: 150, plus: 150, pro: 450 } as const;

export class StoreRateLimiter {
  private windowStart = 0;
  private used = 0;
  enabled = true;
  pressure: QuotaPressure = { otherAppsShare: 0, platformLoadRate: 0 };
  /** Counters for /__sandbox/rate-limit: what the store saw, by outcome. */
  readonly stats = { allowed: 0, limited: 0, platformLoad: 0, windows: 0 };
  /** When set, every request is logged with its client and window (benchmarks read it). */
  log: Array<{ atMs: number; clientId: string; outcome: 'allowed' | 'limited' | 'platform_load'; windowStart: number }> | undefined;

  constructor(
    public quota: number,
    public windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts one request. `platformLoad` 429s are decided before the quota is touched. */
  take(clientId = ''): { outcome: 'allowed' | 'limited' | 'platform_load'; state: RateLimitState } {
    const result = this.decide();
    this.log?.push({ atMs: this.now(), clientId, outcome: result.outcome, windowStart: this.windowStart });
    return result;
  }

  private decide(): { outcome: 'allowed' | 'limited' | 'platform_load'; state: RateLimitState } {
    if (this.pressure.platformLoadRate > 0 && this.random() < this.pressure.platformLoadRate) {
      this.stats.platformLoad++;
      return { outcome: 'platform_load', state: this.state() };
    }
    if (!this.enabled) return { outcome: 'allowed', state: this.state() };
    this.roll();
    const allowed = this.used + this.otherAppsUsed() < this.quota;
    if (allowed) {
      this.used++;
      this.stats.allowed++;
    } else {
      this.stats.limited++;
    }
    return { outcome: allowed ? 'allowed' : 'limited', state: this.state() };
  }

  state(): RateLimitState {
    this.roll();
    return {
      quota: this.quota,
      left: Math.max(0, this.quota - this.used - this.otherAppsUsed()),
      windowMs: this.windowMs,
      resetMs: Math.max(0, this.windowStart + this.windowMs - this.now()),
    };
  }

  /** Other apps' calls so far in this window: their share of the quota, spent at a steady pace. */
  private otherAppsUsed(): number {
    if (this.pressure.otherAppsShare <= 0) return 0;
    const elapsed = Math.min(1, (this.now() - this.windowStart) / this.windowMs);
    return Math.floor(this.quota * this.pressure.otherAppsShare * elapsed);
  }

  private roll(): void {
    const now = this.now();
    if (now >= this.windowStart + this.windowMs) {
      // Windows are aligned to their start, so an idle gap skips whole windows.
      const skipped = this.windowStart === 0 ? 0 : Math.floor((now - this.windowStart) / this.windowMs);
      this.windowStart = this.windowStart === 0 ? now : this.windowStart + skipped * this.windowMs;
      this.used = 0;
      this.stats.windows++;
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
