import { randomUUID } from 'node:crypto';
import { signatureHeaders } from '../bigcommerce/webhook-dispatcher';

/**
 * The header carrying the push token, as a NetSuite script configured for our `POST /webhooks/erp`
 * sends it. The sandbox declares its own copy of the event shapes and this name: it imports nothing
 * from the product, and the product's tests prove its API accepts what the sandbox sends.
 */
export const ERP_TOKEN_HEADER = 'x-bcsync-erp-token';

/** A change event as the ERP pushes it; `changedAt` is ISO 8601 by the ERP's clock. */
export type ErpEvent =
  /** A stock level of one item at one ERP location changed. */
  | { type: 'inventory.changed'; eventId: string; sku: string; location: string; quantityOnHand: number; quantityAvailable: number; changedAt: string }
  /** A cash refund or return authorization was created against a sales order. */
  | { type: 'refund.authorized'; eventId: string; recordType: string; recordId: string; changedAt: string }
  /** An item's catalog fields or prices changed. */
  | { type: 'item.changed'; eventId: string; sku: string; changedAt: string };

type Unsent = ErpEvent extends infer E ? (E extends ErpEvent ? Omit<E, 'eventId'> : never) : never;

export interface PushSettings {
  /** Where events go (our `POST /webhooks/erp`); unset = events are only kept in the feed. */
  url?: string;
  token?: string;
  /**
   * The secret the ERP signs its pushes with (Standard Webhooks, keyed like BigCommerce's: the HMAC
   * key is the secret's bytes). Each POST carries `webhook-id` (the same on every retry of one batch),
   * `webhook-timestamp` (the attempt's time) and `webhook-signature`. Unset: unsigned.
   */
  signingSecret?: string;
  /** Events per POST: a SuiteScript sends one, an event bus a batch. */
  batchMax: number;
  /** How long events gather before a POST. */
  flushMs: number;
  /** Share of events silently never sent (a lost event the sweep must correct). */
  dropRate: number;
}

/**
 * The ERP's outbound change events, as a NetSuite user-event script or an event bus would push them:
 * batched, in order, retried on a non-2xx answer (up to 8 times, then given up and counted), some
 * optionally lost. Every event also lands in `feed` (what the ERP would show in its own log).
 */
export class ErpEventPusher {
  readonly settings: PushSettings = { batchMax: 100, flushMs: 20, dropRate: 0 };
  readonly stats = { emitted: 0, dropped: 0, delivered: 0, posts: 0, failedPosts: 0, givenUp: 0 };
  private queue: ErpEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private seq = 0;

  constructor(private readonly random: () => number = Math.random) {}

  emit(event: Unsent): ErpEvent {
    const full = { ...event, eventId: `erp-evt-${++this.seq}` } as ErpEvent;
    this.stats.emitted++;
    if (!this.settings.url) return full;
    if (this.settings.dropRate > 0 && this.random() < this.settings.dropRate) {
      this.stats.dropped++;
      return full;
    }
    this.queue.push(full);
    this.schedule();
    return full;
  }

  /** Resolves once everything emitted so far was delivered or given up. */
  async drain(): Promise<void> {
    while (this.queue.length || this.sending || this.timer) await new Promise((r) => setTimeout(r, 10));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private schedule(): void {
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => void this.flush(), this.settings.flushMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.sending = true;
    try {
      while (this.queue.length && this.settings.url) {
        const batch = this.queue.slice(0, this.settings.batchMax);
        if (await this.post(batch, `msg_${randomUUID()}`)) this.stats.delivered += batch.length;
        else this.stats.givenUp += batch.length;
        this.queue.splice(0, batch.length);
      }
    } finally {
      this.sending = false;
    }
    if (this.queue.length) this.schedule();
  }

  private async post(events: ErpEvent[], webhookId: string): Promise<boolean> {
    const body = JSON.stringify({ events });
    for (let attempt = 1; attempt <= 8; attempt++) {
      this.stats.posts++;
      try {
        const signed = this.settings.signingSecret ? signatureHeaders(this.settings.signingSecret, webhookId, Math.floor(Date.now() / 1000), body) : {};
        const res = await fetch(this.settings.url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.settings.token ? { [ERP_TOKEN_HEADER]: this.settings.token } : {}), ...signed },
          body,
        });
        await res.arrayBuffer();
        if (res.ok) return true;
        // A 4xx other than 408/429 will not get better by sending the same batch again.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return false;
      } catch {
        // connection refused: our API is down; retry as for a 503
      }
      this.stats.failedPosts++;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** (attempt - 1), 8_000)));
    }
    return false;
  }
}
