import { z } from 'zod';

/**
 * Change events the ERP pushes to `POST /webhooks/erp` (a NetSuite SuiteScript user-event script or
 * an event bus would send them). One POST may carry many events; each says what changed and when,
 * by the ERP's own clock, so a late or repeated event never overwrites a newer one.
 *
 * Everything is bounded: a batch is at most MAX_ERP_EVENTS events (checked before any event is
 * validated), every string has a maximum length, ids are digits, so nothing we accept can push an
 * id or a payload past Temporal's limits. Each event is validated on its own: the good events of a
 * batch are taken and the bad ones reported, never all or nothing.
 */

export const MAX_ERP_EVENTS = 1000;
/** How far in the future (by our clock) an event's `changedAt` may be: clocks drift, 2099 does not. */
export const MAX_CHANGED_AT_AHEAD_MS = 5 * 60_000;

const eventId = z.string().min(1).max(128);
const sku = z.string().min(1).max(255);
const changedAt = z.iso.datetime({ offset: true });

/** A stock level of one item at one ERP location changed. */
export const inventoryChangedEvent = z.object({
  type: z.literal('inventory.changed'),
  /** The ERP's id for this change (repeated deliveries carry the same id). */
  eventId,
  sku,
  /** The ERP's location id (mapped to a BigCommerce location by configuration). */
  location: z.string().min(1).max(64),
  quantityOnHand: z.number().int().min(-1e9).max(1e9),
  quantityAvailable: z.number().int().min(-1e9).max(1e9),
  /** ISO 8601: when the ERP changed it; the latest change per (sku, location) wins (a hint unless ERP_TRUST_PUSHED_LEVELS). */
  changedAt,
});

/**
 * NetSuite's internal id as NetSuite writes it: digits, no leading zero. `0123` names the same record
 * to NetSuite but would be another workflow id and another refund marker than `123`, so it is refused.
 */
export const CANONICAL_RECORD_ID = /^[1-9][0-9]{0,19}$/;

/** A refund or return was authorised in the ERP against one of our sales orders. */
export const refundAuthorizedEvent = z.object({
  type: z.literal('refund.authorized'),
  eventId,
  /** The ERP record type and internal id, e.g. cashRefund 1234 or returnAuthorization 99. */
  recordType: z.string().min(1).max(64),
  recordId: z.string().regex(CANONICAL_RECORD_ID, 'expected the canonical internal id: digits without a leading zero, at most 20'),
  changedAt,
});

/** An item's catalog fields or prices changed (catalog runs on a schedule; this only wakes it early). */
export const itemChangedEvent = z.object({
  type: z.literal('item.changed'),
  eventId,
  sku,
  changedAt,
});

export const erpEvent = z.discriminatedUnion('type', [inventoryChangedEvent, refundAuthorizedEvent, itemChangedEvent]);

/** The envelope, checked before any event is: an array of at most MAX_ERP_EVENTS, each still unknown. */
export const erpEventEnvelope = z.object({ events: z.array(z.unknown()).min(1).max(MAX_ERP_EVENTS) });

/** The whole batch, every event valid (what the sandbox conformance test checks a push against). */
export const erpEventBatch = z.object({ events: z.array(erpEvent).min(1).max(MAX_ERP_EVENTS) });

export type InventoryChangedEvent = z.infer<typeof inventoryChangedEvent>;
export type RefundAuthorizedEvent = z.infer<typeof refundAuthorizedEvent>;
export type ItemChangedEvent = z.infer<typeof itemChangedEvent>;
export type ErpEvent = z.infer<typeof erpEvent>;

/** An event of a batch that is not taken: its place in the batch, its id when it had a usable one, and why. */
export interface RejectedErpEvent {
  index: number;
  eventId?: string;
  reason: string;
}

export type CheckedErpEvent = { ok: true; event: ErpEvent } | { ok: false; eventId?: string; reason: string };

/**
 * One event of a batch, on its own: its shape (bounded fields, canonical ids), then its time, which
 * must not be more than MAX_CHANGED_AT_AHEAD_MS ahead of `nowMs` (an event dated 2099 would
 * otherwise win over every later change of its item for good).
 */
export function checkErpEvent(raw: unknown, nowMs: number): CheckedErpEvent {
  const id = (raw as { eventId?: unknown } | null)?.eventId;
  const knownId = typeof id === 'string' && eventId.safeParse(id).success ? id : undefined;
  const parsed = erpEvent.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join('.') || 'event'}: ${i.message}`)
      .join('; ');
    return { ok: false, eventId: knownId, reason };
  }
  const at = Date.parse(parsed.data.changedAt);
  if (at > nowMs + MAX_CHANGED_AT_AHEAD_MS)
    return { ok: false, eventId: knownId, reason: `changedAt: ${parsed.data.changedAt} is more than ${MAX_CHANGED_AT_AHEAD_MS / 60_000} minutes in the future` };
  return { ok: true, event: parsed.data };
}
