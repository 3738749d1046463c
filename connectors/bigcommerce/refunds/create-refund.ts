import { z } from 'zod';
import type { BcRefundRequestItem } from '../../../domain/refunds/erp-refund';
import { moneyToNumber } from '../../../domain/shared/money';
import type { BcRefund } from '../../../domain/refunds/refund';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { bcRefundV3Schema, listOrderRefunds, toBcRefund } from './get-refund';

type CallOpts = { signal?: AbortSignal; priority?: number };

// --- BigCommerce's shape (orders.v3.yml: RefundQuote_Full, PostRefundRequest) ---

const v3Amount = z.union([z.number(), z.string().transform(Number)]);

const refundQuoteSchema = z.object({
  order_id: z.number().int(),
  total_refund_amount: v3Amount,
  total_refund_tax_amount: v3Amount.optional(),
  /** Each method is a list of payments that together refund the amount; the first is the store's suggestion. */
  refund_methods: z.array(
    z.array(
      z.object({
        provider_id: z.string(),
        provider_description: z.string().optional(),
        amount: v3Amount,
        offline: z.boolean(),
      }),
    ),
  ),
});

export interface RefundQuote {
  orderId: number;
  /** 2-decimal number, as V3 refunds take it. */
  totalAmount: number;
  payments: Array<{ providerId: string; amount: number; offline: boolean }>;
}

const toRequestItems = (items: BcRefundRequestItem[]) =>
  items.map((i) => ({
    item_type: i.itemType,
    item_id: i.itemId,
    ...(i.quantity !== undefined ? { quantity: i.quantity } : {}),
    ...(i.amount !== undefined ? { amount: moneyToNumber(i.amount) } : {}),
    reason: i.reason,
  }));

/**
 * What refunding these items comes to, and how it can be paid back. The refund must then pay
 * exactly this amount (FACTS.md section 7).
 * https://developer.bigcommerce.com/docs/rest-management/orders/payment-actions#create-a-refund-quote
 */
export async function quoteRefund(client: BigCommerceClient, orderId: number, items: BcRefundRequestItem[], opts: CallOpts = {}): Promise<RefundQuote> {
  const res = await client.request(
    {
      method: 'POST',
      path: `/v3/orders/${orderId}/payment_actions/refund_quotes`,
      route: '/v3/orders/{id}/payment_actions/refund_quotes',
      body: { items: toRequestItems(items) },
      signal: opts.signal,
      priority: opts.priority,
    },
    z.object({ data: refundQuoteSchema }),
  );
  if (!res.data) throw new BigCommerceError('bad_response', `refund quote for order ${orderId} answered ${res.status} with no body`, { status: res.status });
  const q = res.data.data;
  // Paying back the way the customer paid (the first method) is what a merchant's refund screen proposes.
  const method = q.refund_methods[0];
  if (!method?.length) throw new BigCommerceError('validation', `order ${orderId} offers no refund method for this refund`, { status: res.status });
  return { orderId: q.order_id, totalAmount: q.total_refund_amount, payments: method.map((p) => ({ providerId: p.provider_id, amount: p.amount, offline: p.offline })) };
}

/**
 * BigCommerce allows one refund at a time per order; a second while the first is processing is
 * refused (a 422 in the sandbox; the wording is what it checks). Waiting and trying again is the
 * whole remedy, so it gets its own error for the activity to retry.
 */
export class RefundInProgressError extends BigCommerceError {
  constructor(message: string, status: number) {
    super('validation', message, { status });
    this.name = 'RefundInProgressError';
  }
}

const IN_PROGRESS = /already being processed|in progress|processed sequentially/i;

/**
 * Creates the refund, paying exactly the quoted amount. Not idempotent (BigCommerce has no key for
 * it): call `ensureRefund`, which looks for an earlier one first.
 * https://developer.bigcommerce.com/docs/rest-management/orders/payment-actions#create-a-refund
 */
export async function createRefund(client: BigCommerceClient, orderId: number, items: BcRefundRequestItem[], quote: RefundQuote, opts: CallOpts = {}): Promise<BcRefund> {
  try {
    const res = await client.request(
      {
        method: 'POST',
        path: `/v3/orders/${orderId}/payment_actions/refunds`,
        route: '/v3/orders/{id}/payment_actions/refunds',
        body: { items: toRequestItems(items), payments: quote.payments.map((p) => ({ provider_id: p.providerId, amount: p.amount, offline: p.offline })) },
        signal: opts.signal,
        priority: opts.priority,
      },
      z.object({ data: bcRefundV3Schema }),
    );
    if (!res.data) throw new BigCommerceError('bad_response', `refund of order ${orderId} answered ${res.status} with no body`, { status: res.status });
    return toBcRefund(res.data.data);
  } catch (err) {
    if (err instanceof BigCommerceError && err.kind === 'validation' && (IN_PROGRESS.test(err.message) || err.details.fieldErrors?.some((f) => IN_PROGRESS.test(f.message)))) {
      throw new RefundInProgressError(err.message, err.details.status ?? 422);
    }
    throw err;
  }
}

/**
 * The refund for `marker`'s record exactly once: the order's refunds are listed before every
 * create, and one carrying the marker is adopted. So a retry after an answer that never came (a
 * timeout, a worker killed between BigCommerce's commit and our record of it) finds the refund
 * instead of paying the customer twice. One list, one quote and one create per new refund.
 */
export async function ensureRefund(
  client: BigCommerceClient,
  orderId: number,
  items: BcRefundRequestItem[],
  isOurs: (refunds: BcRefund[]) => BcRefund | undefined,
  opts: CallOpts = {},
): Promise<{ refund: BcRefund; created: boolean; quotedAmount: number | null }> {
  const existing = isOurs(await listOrderRefunds(client, orderId, opts));
  if (existing) return { refund: existing, created: false, quotedAmount: null };
  const quote = await quoteRefund(client, orderId, items, opts);
  const refund = await createRefund(client, orderId, items, quote, opts);
  return { refund, created: true, quotedAmount: quote.totalAmount };
}
