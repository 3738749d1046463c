import { createHmac } from 'node:crypto';
import type { ChangeEvent } from './objects';
import { singular, type WebhookSettings } from './state';

/**
 * HubSpot's webhooks (an app's subscriptions, FACTS.md section 7 and HubSpot's webhooks guide):
 * changes are gathered for `batchWindowMs` and POSTed as a JSON array of at most
 * `maxEventsPerRequest` events `{eventId, subscriptionId, portalId, appId, occurredAt,
 * subscriptionType, attemptNumber, objectId, changeSource, sourceId, propertyName, propertyValue}`
 * to the app's target URL, signed with `X-HubSpot-Signature-v3`: base64 of HMAC-SHA256 keyed by the
 * app's client secret over method + URI + body + `X-HubSpot-Request-Timestamp` (ms). A connection
 * failure, timeout, 5xx or 429 is retried after each of `retryDelaysMs` with `attemptNumber` + 1
 * (chosen: HubSpot retries up to 10 times over 24 hours); another 4xx is not retried.
 */
export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  sourceId: string;
  propertyName?: string;
  propertyValue?: string;
}

export interface CrmDelivery {
  atMs: number;
  targetUrl: string;
  attempt: number;
  eventIds: number[];
  status: number | null;
  error?: string;
}

/** The v3 signature of a delivery, as a receiver recomputes it. */
export function signatureV3(clientSecret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

export class ChangeEmitter {
  readonly deliveries: CrmDelivery[] = [];
  /** Every event made, delivered or not (tests read what a change produced). */
  readonly emitted: HubSpotWebhookEvent[] = [];
  private queue: HubSpotWebhookEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly settings: () => WebhookSettings,
    private readonly portalId: () => number,
    private readonly nextEventId: () => number,
    private readonly now: () => number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  accept(e: ChangeEvent): void {
    const s = this.settings();
    if (e.source.sourceType === 'INTEGRATION' && !s.includeIntegrationChanges) return;
    const type = `${singular(e.objectType)}.${e.kind}`;
    for (const sub of s.subscriptions) {
      if (!sub.active || sub.subscriptionType !== type) continue;
      if (e.kind === 'propertyChange' && sub.propertyName !== e.propertyName) continue;
      const event: HubSpotWebhookEvent = {
        eventId: this.nextEventId(),
        subscriptionId: sub.id,
        portalId: this.portalId(),
        appId: s.appId,
        occurredAt: e.source.atMs,
        subscriptionType: type,
        attemptNumber: 0,
        objectId: Number(e.objectId),
        changeSource: e.source.sourceType,
        sourceId: e.source.sourceType === 'CRM_UI' ? `userId:${e.source.updatedByUserId ?? 0}` : String(s.appId),
        ...(e.kind === 'propertyChange' ? { propertyName: e.propertyName, propertyValue: e.propertyValue } : {}),
      };
      this.emitted.push(event);
      if (this.emitted.length > 20_000) this.emitted.splice(0, this.emitted.length - 20_000);
      if (s.targetUrl) this.queue.push(event);
    }
    if (this.queue.length && !this.flushTimer && !this.stopped) {
      this.flushTimer = setTimeout(() => this.flush(), s.batchWindowMs);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    const s = this.settings();
    const target = s.targetUrl;
    const events = this.queue;
    this.queue = [];
    if (!target || this.stopped) return;
    for (let i = 0; i < events.length; i += s.maxEventsPerRequest) void this.attempt(target, events.slice(i, i + s.maxEventsPerRequest), 0);
  }

  private async attempt(target: string, events: HubSpotWebhookEvent[], attempt: number): Promise<void> {
    if (this.stopped) return;
    const s = this.settings();
    const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })));
    const timestamp = String(this.now());
    const record: CrmDelivery = { atMs: this.now(), targetUrl: target, attempt, eventIds: events.map((e) => e.eventId), status: null };
    this.inFlight++;
    try {
      const res = await this.fetchImpl(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (bcsync sandbox)',
          'X-HubSpot-Request-Timestamp': timestamp,
          'X-HubSpot-Signature-v3': signatureV3(s.clientSecret, 'POST', target, body, timestamp),
        },
        body,
        signal: AbortSignal.timeout(s.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}` : String(err);
    } finally {
      this.inFlight--;
    }
    this.deliveries.push(record);
    if (this.deliveries.length > 20_000) this.deliveries.splice(0, this.deliveries.length - 20_000);
    const retryable = record.status === null || record.status >= 500 || record.status === 429;
    const delay = s.retryDelaysMs[attempt];
    if (!retryable || delay === undefined || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, events, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  /** True when nothing is queued, in flight or waiting for a retry. */
  get idle(): boolean {
    return this.queue.length === 0 && !this.flushTimer && this.inFlight === 0 && this.timers.size === 0;
  }

  get pending(): number {
    return this.queue.length + this.inFlight + this.timers.size;
  }

  clearHistory(): void {
    this.deliveries.length = 0;
    this.emitted.length = 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
