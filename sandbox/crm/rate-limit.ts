import { randomUUID } from 'node:crypto';

/**
 * HubSpot's API limits for a private app (FACTS.md section 7): a rolling 10-second window
 * (190 calls for Professional/Enterprise) and a daily budget (650,000 for Professional), both per
 * account. Every authenticated answer carries `X-HubSpot-RateLimit-Max`, `-Remaining`,
 * `-Interval-Milliseconds`, `-Daily` and `-Daily-Remaining`; past either limit the call is 429
 * with policy TEN_SECONDLY_ROLLING or DAILY. A refused call is not counted (chosen: HubSpot does
 * not say). The daily budget resets at midnight UTC (chosen: HubSpot resets at midnight in the
 * account's time zone).
 */
export interface CrmLimitSettings {
  enabled: boolean;
  /** Calls per rolling interval. */
  max: number;
  intervalMs: number;
  daily: number;
}

export const DEFAULT_CRM_LIMITS: CrmLimitSettings = { enabled: true, max: 190, intervalMs: 10_000, daily: 650_000 };

export type CrmPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY';

export class RollingRateLimit {
  private calls: number[] = [];
  private head = 0;
  private day = -1;
  private dayUsed = 0;
  readonly stats = { allowed: 0, limited: { TEN_SECONDLY_ROLLING: 0, DAILY: 0 } as Record<CrmPolicy, number> };

  constructor(
    public settings: CrmLimitSettings,
    private readonly now: () => number,
  ) {}

  take(): { limited: CrmPolicy | null; headers: Record<string, string> } {
    const now = this.now();
    this.roll(now);
    const inWindow = this.calls.length - this.head;
    let limited: CrmPolicy | null = null;
    if (this.settings.enabled) {
      if (this.dayUsed >= this.settings.daily) limited = 'DAILY';
      else if (inWindow >= this.settings.max) limited = 'TEN_SECONDLY_ROLLING';
    }
    if (limited) this.stats.limited[limited]++;
    else {
      this.calls.push(now);
      this.dayUsed++;
      this.stats.allowed++;
    }
    return {
      limited,
      headers: {
        'X-HubSpot-RateLimit-Max': String(this.settings.max),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.settings.max - (this.calls.length - this.head))),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.settings.intervalMs),
        'X-HubSpot-RateLimit-Daily': String(this.settings.daily),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.settings.daily - this.dayUsed)),
      },
    };
  }

  private roll(now: number): void {
    while (this.head < this.calls.length && this.calls[this.head]! <= now - this.settings.intervalMs) this.head++;
    if (this.head > 1024 && this.head > this.calls.length / 2) {
      this.calls = this.calls.slice(this.head);
      this.head = 0;
    }
    const day = Math.floor(now / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.dayUsed = 0;
    }
  }

  /** New settings start fresh windows; `usedToday` sets how much of the daily budget is spent (to rehearse its end). */
  configure(settings: Partial<CrmLimitSettings> & { usedToday?: number }): void {
    const { usedToday, ...rest } = settings;
    this.settings = { ...this.settings, ...rest };
    this.calls = [];
    this.head = 0;
    this.roll(this.now());
    if (usedToday !== undefined) this.dayUsed = usedToday;
  }

  state(): CrmLimitSettings & { inWindow: number; usedToday: number; stats: RollingRateLimit['stats'] } {
    this.roll(this.now());
    return { ...this.settings, inWindow: this.calls.length - this.head, usedToday: this.dayUsed, stats: this.stats };
  }
}

export function rateLimitBody(policy: CrmPolicy): Record<string, string> {
  return {
    status: 'error',
    message: policy === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    requestId: randomUUID(),
  };
}
