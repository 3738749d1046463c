import { createHash } from 'node:crypto';
import type { SandboxHook } from './state';
import { unixSeconds } from './format';

/** BigCommerce's retry schedule after a failed delivery, in seconds (FACTS.md section 11). */
export const RETRY_SCHEDULE_S = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400];

export interface WebhookEvent {
  scope: string;
  data: Record<string, unknown>;
}

export interface DeliveryRecord {
  hookId: number;
  scope: string;
  hash: string;
  attempt: number;
  status: number | null;
  /** The exact body sent, so a test or an engineer can replay a delivery. */
  payload: Record<string, unknown>;
  error?: string;
  atMs: number;
}

export interface DispatcherOptions {
  storeHash: string;
  storeId: string;
  /** Divides the retry schedule, so 48 hours of retries can pass in seconds in a test. */
  timeScale: number;
  deliveryTimeoutMs: number;
  hooks: () => SandboxHook[];
  /** BigCommerce deactivates a hook once the last retry has failed. */
  onDeactivate: (hookId: number) => void;
  now?: () => number;
  fetch?: typeof fetch;
}

/** `store/order/*` matches every `store/order/...` scope; anything else must match exactly. */
export function scopeMatches(hookScope: string, eventScope: string): boolean {
  if (hookScope.endsWith('/*')) return eventScope.startsWith(hookScope.slice(0, -1));
  return hookScope === eventScope;
}

/**
 * Delivers events the way BigCommerce does: a thin payload per matching active hook, the hook's
 * custom headers, success only on 2xx, and retries on BigCommerce's schedule. The same event keeps
 * the same `hash` on every attempt.
 */
export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: DispatcherOptions) {
    this.now = opts.now ?? Date.now;
  }

  emit(event: WebhookEvent): void {
    const createdAt = unixSeconds(this.now());
    const producer = `stores/${this.opts.storeHash}`;
    const body = { scope: event.scope, store_id: this.opts.storeId, data: event.data, created_at: createdAt, producer };
    const hash = createHash('sha1').update(JSON.stringify(body)).digest('hex');
    const payload = { ...body, hash };
    for (const hook of this.opts.hooks()) {
      if (hook.isActive && scopeMatches(hook.scope, event.scope)) void this.attempt(hook.id, payload, 0);
    }
  }

  private async attempt(hookId: number, payload: { scope: string; hash: string } & Record<string, unknown>, attempt: number): Promise<void> {
    if (this.stopped) return;
    const hook = this.opts.hooks().find((h) => h.id === hookId);
    if (!hook || !hook.isActive) return;
    const record: DeliveryRecord = { hookId, scope: payload.scope, hash: payload.hash, attempt, status: null, payload, atMs: this.now() };
    this.inFlight++;
    try {
      const res = await (this.opts.fetch ?? fetch)(hook.destination, {
        method: 'POST',
        headers: { ...(hook.headers ?? {}), 'content-type': 'application/json', 'user-agent': 'bcsync-sandbox-webhooks' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.opts.deliveryTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.inFlight--;
    }
    this.deliveries.push(record);
    if (this.deliveries.length > 5_000) this.deliveries.splice(0, this.deliveries.length - 5_000);
    if (record.status !== null && record.status >= 200 && record.status <= 299) return;

    const delayS = RETRY_SCHEDULE_S[attempt];
    if (delayS === undefined) {
      this.opts.onDeactivate(hookId);
      return;
    }
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(hookId, payload, attempt + 1);
    }, (delayS * 1000) / this.opts.timeScale);
    this.timers.add(timer);
  }

  /** True when nothing is in flight and no retry is waiting. */
  get idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
