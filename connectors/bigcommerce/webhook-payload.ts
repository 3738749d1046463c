import { z } from 'zod';

/**
 * The thin callback BigCommerce POSTs to a hook's destination (webhooks.v3.yml,
 * webhook_callback_base; FACTS.md section 11). IDs only: the receiver must fetch current state.
 */
export const webhookPayloadSchema = z.object({
  // Every string bounded: a long one would reach ids, search attributes and carried state.
  scope: z
    .string()
    .max(128)
    .regex(/^store\/[A-Za-z0-9_/*{}-]+$/, 'scope must look like store/<resource>/<event>'),
  store_id: z.string().min(1).max(20),
  producer: z
    .string()
    .max(64)
    .regex(/^stores\/[a-z0-9]+$/, 'producer must be stores/<store_hash>'),
  /** SHA-1 of the data, hex (not a signature). */
  hash: z.string().regex(/^[0-9a-f]{40}$/, 'hash must be 40 hex digits'),
  created_at: z.number().int().nonnegative(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;

export const orderEventDataSchema = z.object({
  type: z.literal('order'),
  id: z.number().int().positive(),
  /** Only on store/order/refund/created. */
  refund: z.object({ refund_id: z.number().int().positive() }).optional(),
});

export const storeHashOf = (payload: WebhookPayload): string => payload.producer.slice('stores/'.length);

/**
 * Order scopes at store level and per channel (store/channel/{id}/order/...). Refund and message
 * events change the order too, so they wake its workflow like any other order event.
 */
export const isOrderScope = (scope: string): boolean => /^store\/(channel\/\d+\/)?order\//.test(scope);
