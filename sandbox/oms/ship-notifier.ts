import type { SsWebhook } from './state';

/**
 * ShipStation's webhook delivery, as far as it is documented: a POST of
 * `{"resource_url": ..., "resource_type": "SHIP_NOTIFY"}` to each subscribed `target_url`, with no
 * signature and no other headers of note (FACTS.md section 3); the receiver fetches resource_url
 * with its own API credentials.
 *
 * ShipStation does not document its retry policy, so this one is chosen: success is any 2xx; a
 * failure (non-2xx, network error, or no answer within `timeoutMs`) is retried after each delay in
 * `retryDelaysMs` in turn (default 10 s, 60 s, 300 s: four attempts in about six minutes), then
 * dropped. The subscription stays active either way (ShipStation does not document deactivation).
 * Both settings are sandbox options and `PUT /__sandbox/settings`.
 */
export interface DeliveryRecord {
  webhookId: number;
  targetUrl: string;
  resourceType: string;
  resourceUrl: string;
  attempt: number;
  status: number | null;
  error?: string;
  atMs: number;
}

export interface NotifierSettings {
  retryDelaysMs: number[];
  timeoutMs: number;
}

export const DEFAULT_NOTIFIER_SETTINGS: NotifierSettings = { retryDelaysMs: [10_000, 60_000, 300_000], timeoutMs: 10_000 };

export class ShipNotifier {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;

  constructor(
    public settings: NotifierSettings,
    private readonly webhooks: () => SsWebhook[],
    private readonly now: () => number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** One event to every active subscription of its type (and of its store, when the hook names one). */
  notify(resourceType: string, resourceUrl: string, storeId: number): void {
    for (const hook of this.webhooks()) {
      if (!hook.active || hook.event !== resourceType) continue;
      if (hook.storeId !== null && hook.storeId !== storeId) continue;
      void this.attempt(hook, resourceType, resourceUrl, 0);
    }
  }

  private async attempt(hook: SsWebhook, resourceType: string, resourceUrl: string, attempt: number): Promise<void> {
    if (this.stopped) return;
    const record: DeliveryRecord = { webhookId: hook.webhookId, targetUrl: hook.targetUrl, resourceType, resourceUrl, attempt, status: null, atMs: this.now() };
    this.inFlight++;
    try {
      const res = await this.fetchImpl(hook.targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'bcsync-sandbox-shipstation' },
        body: JSON.stringify({ resource_url: resourceUrl, resource_type: resourceType }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}` : String(err);
    } finally {
      this.inFlight--;
    }
    this.record(record);
    const ok = record.status !== null && record.status >= 200 && record.status <= 299;
    const delay = this.settings.retryDelaysMs[attempt];
    if (ok || delay === undefined || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(hook, resourceType, resourceUrl, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  private record(r: DeliveryRecord): void {
    this.deliveries.push(r);
    if (this.deliveries.length > 20_000) this.deliveries.splice(0, this.deliveries.length - 20_000);
  }

  /** True when nothing is in flight and no retry is waiting. */
  get idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  get pending(): number {
    return this.inFlight + this.timers.size;
  }

  clearHistory(): void {
    this.deliveries.length = 0;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
