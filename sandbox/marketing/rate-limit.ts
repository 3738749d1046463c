/**
 * Klaviyo's rate limits (FACTS.md section 8): per account and per operation, two fixed windows
 * at once, a burst window of 1 s and a steady window of 1 min; a call is refused (429) when either
 * is spent, and a refused call spends nothing. Non-429 answers carry `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (the steady window's, reset in whole seconds); a 429
 * carries `Retry-After`, whole seconds until the window that refused it resets.
 *
 * The per-operation values are those of each operation's `x-klaviyo-ratelimit` in Klaviyo's specs
 * (revision 2026-07-15; the deletion job's from its reference page, its spec file not being kept);
 * the conformance test compares this table with the spec files. Windows are aligned to their first
 * call, like the other sandboxes' fixed windows.
 */
export interface OperationLimit {
  burst: number;
  steady: number;
}

export const KLAVIYO_OPERATION_LIMITS: Readonly<Record<string, OperationLimit>> = {
  create_or_update_profile: { burst: 75, steady: 750 },
  get_profiles: { burst: 75, steady: 750 },
  create_profile: { burst: 75, steady: 750 },
  get_profile: { burst: 75, steady: 750 },
  update_profile: { burst: 75, steady: 750 },
  create_event: { burst: 350, steady: 3500 },
  bulk_subscribe_profiles: { burst: 75, steady: 750 },
  bulk_unsubscribe_profiles: { burst: 75, steady: 750 },
  request_profile_deletion: { burst: 3, steady: 60 },
};

/** Klaviyo's published tiers (XS to XL), for `PUT /__sandbox/rate-limits {tier}`. */
export const KLAVIYO_TIERS: Readonly<Record<'XS' | 'S' | 'M' | 'L' | 'XL', OperationLimit>> = {
  XS: { burst: 1, steady: 15 },
  S: { burst: 3, steady: 60 },
  M: { burst: 10, steady: 150 },
  L: { burst: 75, steady: 700 },
  XL: { burst: 350, steady: 3500 },
};
export type KlaviyoTier = keyof typeof KLAVIYO_TIERS;

const BURST_MS = 1_000;
const STEADY_MS = 60_000;

class FixedWindow {
  private start = 0;
  used = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  roll(now: number): void {
    if (this.start === 0 || now >= this.start + this.windowMs) {
      this.start = this.start === 0 ? now : this.start + Math.floor((now - this.start) / this.windowMs) * this.windowMs;
      this.used = 0;
    }
  }

  resetMs(now: number): number {
    return Math.max(0, this.start + this.windowMs - now);
  }
}

export interface LimitOutcome {
  limited: boolean;
  headers: Record<string, string>;
}

export class OperationRateLimits {
  private windows = new Map<string, { burst: FixedWindow; steady: FixedWindow }>();
  enabled = true;
  /** A tier applied to every operation instead of its own limits (PUT /__sandbox/rate-limits). */
  tier: KlaviyoTier | null = null;
  /** Per-operation limits that win over both the spec's and the tier. */
  overrides: Record<string, OperationLimit> = {};

  constructor(private readonly now: () => number) {}

  limitOf(operation: string): OperationLimit {
    return this.overrides[operation] ?? (this.tier ? KLAVIYO_TIERS[this.tier] : undefined) ?? KLAVIYO_OPERATION_LIMITS[operation] ?? KLAVIYO_TIERS.M;
  }

  /** Counts one call to `operation`, unless a window is spent. */
  take(operation: string): LimitOutcome {
    const now = this.now();
    const limit = this.limitOf(operation);
    let w = this.windows.get(operation);
    if (!w || w.burst.limit !== limit.burst || w.steady.limit !== limit.steady) {
      w = { burst: new FixedWindow(limit.burst, BURST_MS), steady: new FixedWindow(limit.steady, STEADY_MS) };
      this.windows.set(operation, w);
    }
    w.burst.roll(now);
    w.steady.roll(now);
    if (this.enabled) {
      const blocking = [w.burst, w.steady].filter((x) => x.used >= x.limit);
      if (blocking.length > 0) {
        const waitMs = Math.max(...blocking.map((x) => x.resetMs(now)));
        return { limited: true, headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) } };
      }
    }
    w.burst.used++;
    w.steady.used++;
    return {
      limited: false,
      headers: {
        'RateLimit-Limit': String(w.steady.limit),
        'RateLimit-Remaining': String(Math.max(0, w.steady.limit - w.steady.used)),
        'RateLimit-Reset': String(Math.ceil(w.steady.resetMs(now) / 1000)),
      },
    };
  }

  configure(settings: { enabled?: boolean; tier?: KlaviyoTier | null; overrides?: Record<string, OperationLimit> }): void {
    if (settings.enabled !== undefined) this.enabled = settings.enabled;
    if (settings.tier !== undefined) this.tier = settings.tier;
    if (settings.overrides !== undefined) this.overrides = settings.overrides;
    this.windows.clear();
  }

  settings(): { enabled: boolean; tier: KlaviyoTier | null; overrides: Record<string, OperationLimit>; effective: Record<string, OperationLimit> } {
    const effective = Object.fromEntries(Object.keys(KLAVIYO_OPERATION_LIMITS).map((op) => [op, this.limitOf(op)]));
    return { enabled: this.enabled, tier: this.tier, overrides: this.overrides, effective };
  }
}
