import { z } from 'zod';
import { fromUnits, toUnits } from '../../../domain/shared/money';
import type { BcRefund } from '../../../domain/refunds/refund';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';

// --- BigCommerce's shape (orders.v3.yml, RefundID_Get) ---

const v3Amount = z.union([z.number(), z.string()]);

export const bcRefundV3Schema = z.object({
  id: z.number().int(),
  order_id: z.number().int(),
  created: z.string(),
  reason: z.string().nullish(),
  total_amount: v3Amount,
  total_tax: v3Amount.nullish(),
  items: z.array(
    z.object({
      item_type: z.string(),
      item_id: z.number().int(),
      quantity: z.number().int().nullish(),
      reason: z.string().nullish(),
    }),
  ),
  payments: z.array(
    z.object({
      id: z.number().int(),
      provider_id: z.string(),
      amount: v3Amount,
      offline: z.boolean().default(false),
      is_declined: z.boolean().default(false),
      declined_message: z.string().nullish(),
    }),
  ),
});
type BcRefundV3 = z.output<typeof bcRefundV3Schema>;

// V3 refund amounts are 2-decimal numbers (V2 orders use 4-decimal strings): both become Money.
const money = (v: number | string): string => fromUnits(toUnits(typeof v === 'number' ? v : v.trim()));

export function toBcRefund(r: BcRefundV3): BcRefund {
  return {
    id: r.id,
    orderId: r.order_id,
    created: r.created,
    reason: r.reason ?? '',
    totalAmount: money(r.total_amount),
    totalTax: money(r.total_tax ?? 0),
    items: r.items.map((i) => ({ itemType: i.item_type, itemId: i.item_id, quantity: i.quantity ?? null, reason: i.reason ?? '' })),
    payments: r.payments.map((p) => ({
      id: p.id,
      providerId: p.provider_id,
      amount: money(p.amount),
      offline: p.offline,
      isDeclined: p.is_declined,
      declinedMessage: p.declined_message ?? '',
    })),
  };
}

/**
 * One refund by id. Read again later to see whether its payment was declined: BigCommerce runs
 * refund payments asynchronously and sets `is_declined` afterwards (FACTS.md section 7).
 * https://developer.bigcommerce.com/docs/rest-management/orders/payment-actions#get-a-refund
 */
export async function getRefund(client: BigCommerceClient, refundId: number, opts: { signal?: AbortSignal; priority?: number } = {}): Promise<BcRefund> {
  const res = await client.request(
    { method: 'GET', path: `/v3/orders/payment_actions/refunds/${refundId}`, route: '/v3/orders/payment_actions/refunds/{id}', signal: opts.signal, priority: opts.priority },
    z.object({ data: bcRefundV3Schema }),
  );
  if (!res.data) throw new BigCommerceError('bad_response', `GET refund ${refundId} answered with no body`);
  return toBcRefund(res.data.data);
}

/**
 * Every refund of an order, oldest first: how refunds whose webhooks never came are found once
 * reconciliation sees their order changed.
 * https://developer.bigcommerce.com/docs/rest-management/orders/payment-actions#get-refunds-for-order
 */
export async function listOrderRefunds(client: BigCommerceClient, orderId: number, opts: { signal?: AbortSignal; priority?: number } = {}): Promise<BcRefund[]> {
  const res = await client.request(
    { method: 'GET', path: `/v3/orders/${orderId}/payment_actions/refunds`, route: '/v3/orders/{id}/payment_actions/refunds', signal: opts.signal, priority: opts.priority },
    z.object({ data: z.array(bcRefundV3Schema) }),
  );
  return (res.data?.data ?? []).map(toBcRefund);
}
