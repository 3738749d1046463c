import { z } from 'zod';

/**
 * Change events the ERP pushes to `POST /webhooks/erp` (a NetSuite SuiteScript user-event script or
 * an event bus would send them). One POST may carry many events; each says what changed and when,
 * by the ERP's own clock, so a late or repeated event never overwrites a newer one.
 */

/** A stock level of one item at one ERP location changed. */
export const inventoryChangedEvent = z.object({
  type: z.literal('inventory.changed'),
  /** The ERP's id for this change (repeated deliveries carry the same id). */
  eventId: z.string().min(1),
  sku: z.string().min(1),
  /** The ERP's location id (mapped to a BigCommerce location by configuration). */
  location: z.string().min(1),
  quantityOnHand: z.number().int(),
  quantityAvailable: z.number().int(),
  /** ISO 8601: when the ERP changed it; the latest change per (sku, location) wins. */
  changedAt: z.iso.datetime({ offset: true }),
});

/** A refund or return was authorised in the ERP against one of our sales orders. */
export const refundAuthorizedEvent = z.object({
  type: z.literal('refund.authorized'),
  eventId: z.string().min(1),
  /** The ERP record type and internal id, e.g. cashRefund 1234 or returnAuthorization 99. */
  recordType: z.string().min(1),
  recordId: z.string().min(1),
  changedAt: z.iso.datetime({ offset: true }),
});

/** An item's catalog fields or prices changed (catalog runs on a schedule; this only wakes it early). */
export const itemChangedEvent = z.object({
  type: z.literal('item.changed'),
  eventId: z.string().min(1),
  sku: z.string().min(1),
  changedAt: z.iso.datetime({ offset: true }),
});

export const erpEvent = z.discriminatedUnion('type', [inventoryChangedEvent, refundAuthorizedEvent, itemChangedEvent]);
export const erpEventBatch = z.object({ events: z.array(erpEvent).min(1).max(1000) });

export type InventoryChangedEvent = z.infer<typeof inventoryChangedEvent>;
export type RefundAuthorizedEvent = z.infer<typeof refundAuthorizedEvent>;
export type ItemChangedEvent = z.infer<typeof itemChangedEvent>;
export type ErpEvent = z.infer<typeof erpEvent>;
