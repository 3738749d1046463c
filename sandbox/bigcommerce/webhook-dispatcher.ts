import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { SandboxHook } from './state';

/**
 * Webhook delivery as BigCommerce does it (FACTS.md section 11, docs/integrations/webhooks):
 * - a thin payload per matching active hook, the hook's custom headers, and Standard Webhooks
 *   signature headers made with the hook's API client secret;
 * - success only on 2xx; failures retried on BigCommerce's schedule (60 s ... 86400 s);
 * - after the last retry the hook is deactivated, its client's admin emails are "sent", and a
 *   `store/hook/deliveryException` event goes to that client's exception hook, if it has one;
 * - a destination domain whose success ratio over a sliding 2 minutes falls below 90% (counted
 *   from 100 deliveries on) is blocklisted for 3 minutes; its events wait in the retry queue.
 * Every duration is divided by `timeScale`, so 48 hours of retries can pass in a test.
 * Fault injection: duplicate deliveries, random delay (which reorders), and dropped events.
 */

export const RETRY_SCHEDULE_S = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400];
const BLOCKLIST_WINDOW_S = 120;
const BLOCKLIST_MIN_DELIVERIES = 100;
const BLOCKLIST_MIN_SUCCESS = 0.9;
const BLOCKLIST_DURATION_S = 180;
/** 90001 "will retry" is sent at most once per 10 minutes per destination. */
const RETRY_NOTICE_INTERVAL_S = 600;
export const DELIVERY_EXCEPTION_SCOPE = 'store/hook/deliveryException';

export interface WebhookPayload extends Record<string, unknown> {
  scope: string;
  store_id: string;
  data: Record<string, unknown>;
  hash: string;
  created_at: number;
  producer: string;
}

export interface DeliveryRecord {
  hookId: number;
  scope: string;
  hash: string;
  webhookId: string;
  attempt: number;
  status: number | null;
  error?: string;
  /** Not sent: the destination domain was blocklisted; queued for retry instead. */
  blocked?: boolean;
  duplicate?: boolean;
  atMs: number;
  /** The exact body sent, so a test or an engineer can replay a delivery. */
  payload: WebhookPayload;
}

export interface Notification {
  atMs: number;
  clientId: string;
  to: string[];
  subject: string;
}

export interface WebhookFaults {
  /** Probability that a delivery is sent twice (same hash, same webhook-id). */
  duplicateRate: number;
  /** Every event delivered this many times (same hash, same webhook-id); with a delay they arrive shuffled. */
  copies: number;
  /** Each delivery waits a random time in [min, max] ms before it is sent: events overtake each other. */
  delayMs: [number, number];
  /** Probability that an event is never delivered to a hook at all. */
  dropRate: number;
}

export interface DispatcherOptions {
  storeHash: string;
  storeId: string;
  timeScale: number;
  deliveryTimeoutMs: number;
  hooks: () => SandboxHook[];
  /** The API client's secret, for signatures; undefined when unknown (then no signature headers). */
  clientSecret: (clientId: string) => string | undefined;
  adminEmails: (clientId: string) => string[];
  /** BigCommerce deactivates a hook once the last retry has failed. */
  onDeactivate: (hookId: number) => void;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

/** `store/order/*` matches every `store/order/...` scope; anything else must match exactly. */
export function scopeMatches(hookScope: string, eventScope: string): boolean {
  if (hookScope.endsWith('/*')) return eventScope.startsWith(hookScope.slice(0, -1));
  return hookScope === eventScope;
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed by the client secret. */
export function signatureHeaders(secret: string, webhookId: string, timestampS: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${webhookId}.${timestampS}.${body}`).digest('base64');
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(timestampS), 'webhook-signature': `v1,${signature}` };
}

interface DomainStats {
  outcomes: Array<{ atMs: number; ok: boolean }>;
  blockedUntilMs: number;
  reasons: Map<string, { count: number; lastS: number }>;
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  readonly notifications: Notification[] = [];
  faults: WebhookFaults = { duplicateRate: 0, copies: 1, delayMs: [0, 0], dropRate: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly domains = new Map<string, DomainStats>();
  private readonly lastRetryNotice = new Map<string, number>();
  private inFlight = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** Scaled duration: seconds of BigCommerce time -> milliseconds of sandbox time. */
  private scaled(seconds: number): number {
    return (seconds * 1000) / this.opts.timeScale;
  }

  emit(scope: string, data: Record<string, unknown>): void {
    const body = { scope, store_id: this.opts.storeId, data, created_at: Math.floor(this.now() / 1000), producer: `stores/${this.opts.storeHash}` };
    // The hash covers the whole event (two events on one order in different seconds differ), and a
    // retry or duplicate of this event carries the same one.
    const payload: WebhookPayload = { ...body, hash: createHash('sha1').update(JSON.stringify(body)).digest('hex') };
    const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
    for (const hook of this.opts.hooks()) {
      if (!hook.isActive || !scopeMatches(hook.scope, scope)) continue;
      // The exception hook only receives its own scope, never other events through a wildcard.
      if (hook.scope === DELIVERY_EXCEPTION_SCOPE && scope !== DELIVERY_EXCEPTION_SCOPE) continue;
      if (this.faults.dropRate > 0 && this.random() < this.faults.dropRate) continue;
      this.schedule(hook.id, payload, webhookId, 0, this.faultDelay());
      for (let copy = 1; copy < this.faults.copies; copy++) this.schedule(hook.id, payload, webhookId, 0, this.faultDelay(), true);
      if (this.faults.duplicateRate > 0 && this.random() < this.faults.duplicateRate) {
        this.schedule(hook.id, payload, webhookId, 0, this.faultDelay(), true);
      }
    }
  }

  private faultDelay(): number {
    const [min, max] = this.faults.delayMs;
    return max > 0 ? min + Math.floor(this.random() * (max - min + 1)) : 0;
  }

  private schedule(hookId: number, payload: WebhookPayload, webhookId: string, attempt: number, delayMs: number, duplicate = false): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      void this.attempt(hookId, payload, webhookId, attempt, duplicate);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(hookId, payload, webhookId, attempt, duplicate);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(hookId: number, payload: WebhookPayload, webhookId: string, attempt: number, duplicate: boolean): Promise<void> {
    if (this.stopped) return;
    const hook = this.opts.hooks().find((h) => h.id === hookId);
    if (!hook?.isActive) return;
    const domain = domainOf(hook.destination);
    const record: DeliveryRecord = {
      hookId,
      scope: payload.scope,
      hash: payload.hash,
      webhookId,
      attempt,
      status: null,
      atMs: this.now(),
      payload,
      ...(duplicate ? { duplicate } : {}),
    };

    if (this.isBlocked(hook.clientId, domain)) {
      record.blocked = true;
      this.record(record);
      this.failed(hook, payload, webhookId, attempt, 'destination domain is blocklisted');
      return;
    }

    const body = JSON.stringify(payload);
    const secret = this.opts.clientSecret(hook.clientId);
    const headers: Record<string, string> = {
      ...(hook.headers ?? {}),
      'content-type': 'application/json',
      'user-agent': 'bcsync-sandbox-webhooks',
      ...(secret ? signatureHeaders(secret, webhookId, Math.floor(this.now() / 1000), body) : {}),
    };
    this.inFlight++;
    try {
      const res = await (this.opts.fetch ?? fetch)(hook.destination, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.opts.deliveryTimeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}` : String(err);
    } finally {
      this.inFlight--;
    }
    this.record(record);
    const ok = record.status !== null && record.status >= 200 && record.status <= 299;
    this.countOutcome(hook, domain, ok, record.status !== null ? `HTTP ${record.status}` : (record.error ?? 'no response'));
    if (!ok) this.failed(hook, payload, webhookId, attempt, record.status !== null ? `HTTP ${record.status}` : (record.error ?? 'no response'));
  }

  private failed(hook: SandboxHook, payload: WebhookPayload, webhookId: string, attempt: number, reason: string): void {
    const delayS = RETRY_SCHEDULE_S[attempt];
    if (delayS === undefined) {
      this.deactivate(hook, reason);
      return;
    }
    if (payload.scope !== DELIVERY_EXCEPTION_SCOPE) this.retryNotice(hook, reason);
    this.schedule(hook.id, payload, webhookId, attempt + 1, this.scaled(delayS));
  }

  private deactivate(hook: SandboxHook, reason: string): void {
    this.opts.onDeactivate(hook.id);
    this.notify(hook.clientId, `Webhook ${hook.id} (${hook.scope} -> ${hook.destination}) was deactivated after repeated delivery failures`);
    if (hook.scope !== DELIVERY_EXCEPTION_SCOPE) {
      this.exceptionEvent(hook, 90002, `All delivery attempts failed (${reason}); the webhook is being disabled.`);
    }
  }

  private retryNotice(hook: SandboxHook, reason: string): void {
    const last = this.lastRetryNotice.get(hook.destination) ?? -Infinity;
    if (this.now() - last < this.scaled(RETRY_NOTICE_INTERVAL_S)) return;
    this.lastRetryNotice.set(hook.destination, this.now());
    this.exceptionEvent(hook, 90001, `Webhook not delivered (${reason}); it will be retried.`);
  }

  /** `store/hook/deliveryException` to the exception hook of the same client (one per store + client). */
  private exceptionEvent(hook: SandboxHook, errorCode: 90001 | 90002 | 90003, message: string): void {
    const target = this.opts.hooks().find((h) => h.clientId === hook.clientId && h.scope === DELIVERY_EXCEPTION_SCOPE && h.isActive);
    if (!target) return;
    this.emitTo(target, { type: 'webhook', id: hook.id, error_code: errorCode, message });
  }

  private emitTo(target: SandboxHook, data: Record<string, unknown>): void {
    const body = { scope: DELIVERY_EXCEPTION_SCOPE, store_id: this.opts.storeId, data, created_at: Math.floor(this.now() / 1000), producer: `stores/${this.opts.storeHash}` };
    const payload: WebhookPayload = { ...body, hash: createHash('sha1').update(JSON.stringify(body)).digest('hex') };
    this.schedule(target.id, payload, `msg_${randomUUID().replace(/-/g, '')}`, 0, 0);
  }

  private countOutcome(hook: SandboxHook, domain: string, ok: boolean, reason: string): void {
    const key = `${hook.clientId}|${domain}`;
    const stats: DomainStats = this.domains.get(key) ?? { outcomes: [], blockedUntilMs: 0, reasons: new Map() };
    this.domains.set(key, stats);
    const now = this.now();
    stats.outcomes.push({ atMs: now, ok });
    const windowStart = now - this.scaled(BLOCKLIST_WINDOW_S);
    while (stats.outcomes.length && stats.outcomes[0]!.atMs < windowStart) stats.outcomes.shift();
    if (!ok) {
      const r = stats.reasons.get(reason) ?? { count: 0, lastS: 0 };
      r.count++;
      r.lastS = Math.floor(now / 1000);
      stats.reasons.set(reason, r);
    }
    if (stats.blockedUntilMs > now || stats.outcomes.length < BLOCKLIST_MIN_DELIVERIES) return;
    const successes = stats.outcomes.filter((o) => o.ok).length;
    if (successes / stats.outcomes.length < BLOCKLIST_MIN_SUCCESS) {
      stats.blockedUntilMs = now + this.scaled(BLOCKLIST_DURATION_S);
      stats.outcomes = [];
      this.notify(hook.clientId, `Domain ${domain} is blocklisted for ${BLOCKLIST_DURATION_S} s: fewer than 90% of deliveries succeeded`);
      this.exceptionEvent(hook, 90003, `Destination domain ${domain} is temporarily blocked.`);
    }
  }

  private isBlocked(clientId: string, domain: string): boolean {
    return (this.domains.get(`${clientId}|${domain}`)?.blockedUntilMs ?? 0) > this.now();
  }

  /** For GET /v3/hooks/admin: the client's currently blocked domains. */
  blockedDomains(clientId: string): Array<{ destination: string; time_left: number; reasons: Array<{ failure_description: string; count: number; timestamp: number }> }> {
    const out = [];
    for (const [key, stats] of this.domains) {
      const [client, domain] = key.split('|') as [string, string];
      if (client !== clientId || stats.blockedUntilMs <= this.now()) continue;
      out.push({
        destination: domain,
        // BigCommerce time, not sandbox time: what the real admin endpoint would show.
        time_left: Math.ceil(((stats.blockedUntilMs - this.now()) * this.opts.timeScale) / 1000),
        reasons: [...stats.reasons].map(([failure_description, r]) => ({ failure_description, count: r.count, timestamp: r.lastS })),
      });
    }
    return out;
  }

  private notify(clientId: string, subject: string): void {
    this.notifications.push({ atMs: this.now(), clientId, to: this.opts.adminEmails(clientId), subject });
  }

  private record(r: DeliveryRecord): void {
    this.deliveries.push(r);
    if (this.deliveries.length > 20_000) this.deliveries.splice(0, this.deliveries.length - 20_000);
  }

  /** True when nothing is in flight and no retry or delayed delivery is waiting. */
  get idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  get pending(): number {
    return this.inFlight + this.timers.size;
  }

  clearHistory(): void {
    this.deliveries.length = 0;
    this.notifications.length = 0;
    this.domains.clear();
    this.lastRetryNotice.clear();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function domainOf(destination: string): string {
  try {
    return new URL(destination).hostname;
  } catch {
    return destination;
  }
}
