import { z } from 'zod';
import type { SandboxContext } from './context';
import { iso, roundToCents } from './format';
import { orderChanged, setStatus } from './order-events';
import { orderSimSettings } from './order-sim-settings';
import { isPaidStatus } from './order-statuses';
import { lineTotals, orderTotals } from './order-totals';
import type { RefundItemType, SandboxOrder, SandboxRefund } from './state';

/**
 * Refund quotes and refunds (orders.v3.yml, Payment Actions; FACTS.md section 7). Amounts are
 * computed the way the order charged them: a product refund returns the units' share of the
 * discounted line total including tax, shipping and handling carry their own tax share, and an
 * ORDER amount is refunded as is ("tax is not re-calculated"). The order must be paid; only one
 * refund per order may be processing at a time; the payments must add up to the quoted amount.
 * Refunds do not restock ("you cannot return items to inventory that you refunded via API").
 */

export class RefundError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
  }
}

const fail = (message: string, errors: Record<string, string> = {}): never => {
  throw new RefundError(422, message, errors);
};

/** ItemsRefund: QuantityBoundItem (PRODUCT, GIFT_WRAPPING) or AmountBoundItem (the rest). */
const itemSchema = z.strictObject({
  item_type: z.enum(['PRODUCT', 'GIFT_WRAPPING', 'SHIPPING', 'HANDLING', 'ORDER', 'FEE', 'TAX']),
  item_id: z.number().int().nonnegative(),
  quantity: z.number().int().positive().optional(),
  amount: z.number().nonnegative().optional(),
  reason: z.string().max(1000).optional(),
  adjustments: z.array(z.strictObject({ amount: z.number().lt(0), description: z.string().max(255).optional() })).optional(),
});
type ItemInput = z.infer<typeof itemSchema>;

export const quoteSchema = z.strictObject({ items: z.array(itemSchema).min(1).optional(), tax_adjustment_amount: z.number().optional() });

export const refundSchema = z.strictObject({
  order_id: z.number().int().optional(),
  items: z.array(itemSchema).min(1).optional(),
  payments: z
    .array(z.strictObject({ provider_id: z.string().min(1), amount: z.number().nonnegative(), offline: z.boolean().default(false), provider_description: z.string().optional() }))
    .min(1),
  merchant_calculated_override: z.strictObject({ total_amount: z.number().nonnegative(), total_tax: z.number() }).optional(),
  tax_adjustment_amount: z.number().optional(),
});

export function zodToRefundError(error: z.ZodError): RefundError {
  const errors = Object.fromEntries(error.issues.map((i) => [i.path.join('.') || 'body', i.message]));
  return new RefundError(422, 'JSON data is missing or invalid', errors);
}

/** V3 amounts: 2-decimal numbers. */
export const v3Amount = (units: number): number => Math.round(units / 100) / 100;
const amountUnits = (amount: number): number => Math.round(amount * 10_000);
const money = (units: number) => (units / 10_000).toFixed(2);

/** The units' share of a line total, in whole cents, so the shares of all units add up to the total exactly. */
const share = (total: number, from: number, count: number, of: number) => roundToCents((total * (from + count)) / of) - roundToCents((total * from) / of);

interface ComputedItem {
  input: ItemInput;
  units: number;
  taxUnits: number;
}

export interface ComputedRefund {
  items: ComputedItem[];
  requestedUnits: number;
  refundableUnits: number;
  totalUnits: number;
  taxUnits: number;
  orderLevelUnits: number;
}

export const refundableUnits = (o: SandboxOrder) => orderTotals(o).totalInc - o.refundedUnits;

/** A charge refunded by amount (wrapping, a fee): no more than is left, its tax in proportion. */
function chargeShare(amount: number, incUnits: number, exUnits: number, refundedUnits: number, what: string, path: string): { units: number; taxUnits: number } {
  const left = incUnits - refundedUnits;
  if (amount > left) fail(`Cannot refund ${money(amount)} of ${what}: only ${money(left)} left to refund.`, { [`${path}.amount`]: 'exceeds refundable amount' });
  return { units: amount, taxUnits: incUnits > 0 ? roundToCents((amount * (incUnits - exUnits)) / incUnits) : 0 };
}

function computeItem(order: SandboxOrder, item: ItemInput, path: string): ComputedItem {
  const needs = (field: 'quantity' | 'amount') =>
    item[field] === undefined ? fail(`${path}.${field} is required for item_type ${item.item_type}`, { [`${path}.${field}`]: 'error.path.missing' }) : item[field]!;
  switch (item.item_type) {
    case 'PRODUCT': {
      const quantity = needs('quantity');
      const line =
        order.lines.find((l) => l.id === item.item_id) ?? fail(`Order product ${item.item_id} does not exist on order ${order.id}.`, { [`${path}.item_id`]: 'not found' });
      const left = line.quantity - line.quantityRefunded;
      if (quantity > left) fail(`Cannot refund ${quantity} of order product ${line.id}: only ${left} left to refund.`, { [`${path}.quantity`]: 'exceeds refundable quantity' });
      const t = lineTotals(line);
      const adjustments = (item.adjustments ?? []).reduce((s, a) => s + amountUnits(a.amount), 0);
      const units = share(t.discountedTotalInc, line.quantityRefunded, quantity, line.quantity) + adjustments;
      if (units < 0) fail(`The adjustments of ${path} are larger than the amount refunded for it.`, { [`${path}.adjustments`]: 'too large' });
      return { input: item, units, taxUnits: share(t.discountedTax, line.quantityRefunded, quantity, line.quantity) };
    }
    case 'SHIPPING': {
      const amount = amountUnits(needs('amount'));
      const address =
        order.shipping.find((s) => s.id === item.item_id) ?? fail(`Order address ${item.item_id} does not exist on order ${order.id}.`, { [`${path}.item_id`]: 'not found' });
      const left = address.costIncUnits - address.refundedUnits;
      if (amount > left)
        fail(`Cannot refund ${money(amount)} of shipping for address ${address.id}: only ${money(left)} left to refund.`, { [`${path}.amount`]: 'exceeds refundable amount' });
      const tax = address.costIncUnits > 0 ? roundToCents((amount * (address.costIncUnits - address.costExUnits)) / address.costIncUnits) : 0;
      return { input: item, units: amount, taxUnits: tax };
    }
    case 'HANDLING': {
      const amount = amountUnits(needs('amount'));
      if (!order.shipping.some((s) => s.id === item.item_id)) fail(`Order address ${item.item_id} does not exist on order ${order.id}.`, { [`${path}.item_id`]: 'not found' });
      // The sandbox keeps handling per order, not per address: any address of the order refunds it.
      const left = order.handlingIncUnits - order.handlingRefundedUnits;
      if (amount > left) fail(`Cannot refund ${money(amount)} of handling: only ${money(left)} left to refund.`, { [`${path}.amount`]: 'exceeds refundable amount' });
      const tax = order.handlingIncUnits > 0 ? roundToCents((amount * (order.handlingIncUnits - order.handlingExUnits)) / order.handlingIncUnits) : 0;
      return { input: item, units: amount, taxUnits: tax };
    }
    case 'ORDER': {
      const amount = amountUnits(needs('amount'));
      if (item.item_id !== order.id) fail(`${path}.item_id must be the order id ${order.id} for item_type ORDER.`, { [`${path}.item_id`]: 'must be the order id' });
      return { input: item, units: amount, taxUnits: 0 };
    }
    case 'GIFT_WRAPPING': {
      const wrapping =
        order.lines.find((l) => l.id === item.item_id)?.wrapping ??
        fail(`Order product ${item.item_id} has no gift wrapping to refund.`, { [`${path}.item_type`]: 'no gift wrapping' });
      const amount = amountUnits(needs('amount'));
      return { input: item, ...chargeShare(amount, wrapping.incUnits, wrapping.exUnits, wrapping.refundedUnits, `gift wrapping of order product ${item.item_id}`, path) };
    }
    case 'FEE': {
      const fee = (order.fees ?? []).find((f) => f.id === item.item_id) ?? fail(`Order ${order.id} has no fee ${item.item_id}.`, { [`${path}.item_id`]: 'not found' });
      const amount = amountUnits(needs('amount'));
      return { input: item, ...chargeShare(amount, fee.costIncUnits, fee.costExUnits, fee.refundedUnits ?? 0, `fee ${fee.id}`, path) };
    }
    case 'TAX':
      return fail('Refunding TAX items is not simulated by the BigCommerce sandbox.', { [`${path}.item_type`]: 'not simulated' });
  }
}

/** Prices the items against what is left to refund on the order. */
export function computeRefund(order: SandboxOrder, items: ItemInput[] | undefined, taxAdjustment: number | undefined): ComputedRefund {
  if (!isPaidStatus(order.statusId)) fail(`Order ${order.id} is not paid: only paid orders can be refunded.`, { order_id: 'order not paid' });
  if (!items) {
    return fail(taxAdjustment !== undefined ? 'Tax adjustment refunds (tax_adjustment_amount) are not simulated by the BigCommerce sandbox.' : 'items is required.', {
      items: 'error.path.missing',
    });
  }
  const seen = new Set<string>();
  const computed = items.map((item, i) => {
    const key = `${item.item_type}:${item.item_id}`;
    if (seen.has(key)) fail(`items.${i} repeats ${item.item_type} ${item.item_id}.`, { [`items.${i}`]: 'duplicate item' });
    seen.add(key);
    return computeItem(order, item, `items.${i}`);
  });
  const requested = computed.reduce((s, c) => s + c.units, 0);
  const refundable = refundableUnits(order);
  const total = Math.min(requested, refundable);
  const tax = Math.min(
    computed.reduce((s, c) => s + c.taxUnits, 0),
    total,
  );
  const orderLevel = computed.filter((c) => c.input.item_type === 'ORDER').reduce((s, c) => s + c.units, 0);
  return { items: computed, requestedUnits: requested, refundableUnits: refundable, totalUnits: total, taxUnits: tax, orderLevelUnits: orderLevel };
}

/** `refund_methods`: each method is a list of payment options that together refund the amount. */
export function refundMethods(order: SandboxOrder, units: number) {
  const amount = v3Amount(units);
  const offlineReason = 'This is an offline payment provider.';
  const methods: Array<Array<Record<string, unknown>>> = [];
  const p = order.payment;
  if (p.providerId !== 'custom') {
    methods.push([
      {
        provider_id: p.providerId,
        provider_description: p.providerDescription,
        amount,
        offline: p.offline,
        offline_provider: p.offline,
        offline_reason: p.offline ? offlineReason : '',
      },
    ]);
  }
  if (order.customerId > 0 && p.providerId !== 'storecredit') {
    methods.push([{ provider_id: 'storecredit', provider_description: 'Store Credit', amount, offline: false, offline_provider: false, offline_reason: '' }]);
  }
  methods.push([{ provider_id: 'custom', provider_description: 'Custom', amount, offline: true, offline_provider: true, offline_reason: offlineReason }]);
  return methods;
}

export function quote(order: SandboxOrder, body: z.infer<typeof quoteSchema>) {
  const c = computeRefund(order, body.items, body.tax_adjustment_amount);
  const rounded = roundToCents(c.totalUnits);
  return {
    order_id: order.id,
    total_refund_amount: v3Amount(rounded),
    total_refund_tax_amount: v3Amount(c.taxUnits),
    order_level_refund_amount: v3Amount(c.orderLevelUnits),
    // What rounding to whole cents added or took away.
    rounding: (rounded - c.totalUnits) / 10_000,
    // Negative when more was asked than is left to refund on the order (the quote is capped).
    adjustment: v3Amount(c.totalUnits - c.requestedUnits),
    tax_inclusive: true,
    refund_methods: refundMethods(order, rounded),
  };
}

// --- refunds ---

/** Per sandbox: order -> when its refund stops processing. Keyed by id and creation time, so a reset store's new order 100 is not the old one. */
const inFlight = new WeakMap<SandboxContext, Map<string, number>>();
const lockKey = (o: SandboxOrder) => `${o.id}:${o.createdMs}`;
const processing = (ctx: SandboxContext) => {
  let m = inFlight.get(ctx);
  if (!m) {
    m = new Map();
    inFlight.set(ctx, m);
  }
  return m;
};

/** Creates a refund: checks, records, updates the order, fires the events. */
export function createRefund(ctx: SandboxContext, order: SandboxOrder, body: z.infer<typeof refundSchema>): SandboxRefund {
  const busyUntil = processing(ctx).get(lockKey(order));
  if (busyUntil !== undefined && busyUntil > ctx.now()) {
    fail(`A refund is already being processed for order ${order.id}. Order refunds must be processed sequentially: try again once it completes.`, {
      order_id: 'refund in progress',
    });
  }
  if (body.order_id !== undefined && body.order_id !== order.id) fail(`order_id ${body.order_id} does not match the order in the path (${order.id}).`, { order_id: 'mismatch' });
  const c = computeRefund(order, body.items, body.tax_adjustment_amount);
  if (c.requestedUnits > c.refundableUnits) {
    fail(`The refund of ${money(c.requestedUnits)} exceeds the ${money(c.refundableUnits)} left to refund on order ${order.id}.`, { items: 'exceeds refundable amount' });
  }
  const override = body.merchant_calculated_override;
  const expected = override ? amountUnits(override.total_amount) : roundToCents(c.totalUnits);
  if (override && expected > c.refundableUnits)
    fail(`merchant_calculated_override.total_amount exceeds the ${money(c.refundableUnits)} left to refund.`, { 'merchant_calculated_override.total_amount': 'too large' });

  const allowed = new Map(
    refundMethods(order, expected)
      .flat()
      .map((m) => [m.provider_id as string, m]),
  );
  for (const [i, p] of body.payments.entries()) {
    if (p.provider_id === 'storecredit' && order.customerId === 0)
      fail('Unable to provide store credit for a guest customer.', { [`payments.${i}.provider_id`]: 'guest customer' });
    const method =
      allowed.get(p.provider_id) ??
      fail(`The payment provider '${p.provider_id}' is not a refund method of order ${order.id}.`, { [`payments.${i}.provider_id`]: 'not available' });
    if (method.offline_provider === true && !p.offline) fail(`The payment provider '${p.provider_id}' can only refund offline.`, { [`payments.${i}.offline`]: 'must be true' });
  }
  const paid = body.payments.reduce((s, p) => s + amountUnits(p.amount), 0);
  if (paid !== expected) {
    fail(`The payments total ${money(paid)} but the refund amount is ${money(expected)}: use the amount of a refund quote for the same items.`, { payments: 'amount mismatch' });
  }

  const data = ctx.data;
  const refund: SandboxRefund = {
    id: data.nextIds.refund++,
    orderId: order.id,
    userId: 0,
    createdMs: ctx.now(),
    reason: c.items
      .map((i) => i.input.reason)
      .filter(Boolean)
      .join('; '),
    totalUnits: expected,
    taxUnits: override ? amountUnits(override.total_tax) : c.taxUnits,
    usesMerchantOverride: Boolean(override),
    items: c.items.map((i) => ({
      itemType: i.input.item_type as RefundItemType,
      itemId: i.input.item_id,
      quantity: i.input.quantity ?? null,
      requestedUnits: i.input.amount !== undefined ? amountUnits(i.input.amount) : null,
      reason: i.input.reason ?? '',
    })),
    payments: body.payments.map((p) => ({
      id: data.nextIds.refundPayment++,
      providerId: p.provider_id,
      amountUnits: amountUnits(p.amount),
      offline: p.offline,
      isDeclined: false,
      declinedMessage: '',
      transactionId: String(data.nextIds.transaction++),
    })),
  };
  data.refunds[String(refund.id)] = refund;

  for (const item of c.items) {
    if (item.input.item_type === 'PRODUCT') {
      const line = order.lines.find((l) => l.id === item.input.item_id)!;
      line.quantityRefunded += item.input.quantity!;
      line.refundedUnits += item.units;
    } else if (item.input.item_type === 'SHIPPING') {
      order.shipping.find((s) => s.id === item.input.item_id)!.refundedUnits += item.units;
    } else if (item.input.item_type === 'HANDLING') {
      order.handlingRefundedUnits += item.units;
    } else if (item.input.item_type === 'GIFT_WRAPPING') {
      order.lines.find((l) => l.id === item.input.item_id)!.wrapping!.refundedUnits += item.units;
    } else if (item.input.item_type === 'FEE') {
      const fee = order.fees!.find((f) => f.id === item.input.item_id)!;
      fee.refundedUnits = (fee.refundedUnits ?? 0) + item.units;
    }
  }
  order.refundedUnits += expected;
  const fully = refundableUnits(order) <= 0;
  const previous = order.statusId;
  setStatus(order, fully ? 4 : 14);
  order.paymentStatus = fully ? 'refunded' : 'partially refunded';
  processing(ctx).set(lockKey(order), ctx.now() + orderSimSettings(ctx).refundProcessingMs);
  ctx.emit('store/order/refund/created', { type: 'order', id: order.id, refund: { refund_id: refund.id } });
  orderChanged(ctx, order, previous);
  return refund;
}

/** A refund payment "runs asynchronously" and can be declined afterwards: what a gateway decline looks like. */
export function declineRefund(ctx: SandboxContext, refund: SandboxRefund, message: string, paymentId?: number): SandboxRefund {
  for (const p of refund.payments) {
    if (paymentId !== undefined && p.id !== paymentId) continue;
    p.isDeclined = true;
    p.declinedMessage = message;
  }
  ctx.changed();
  return refund;
}

/**
 * Refund (orders.v3.yml: Refund / RefundID_Get). Items leave out `requested_amount`: the spec
 * types it as a non-null number in Refund (POST, both lists) but as a nullable string in
 * RefundID_Get (whose example has `null` for a PRODUCT item), so its real type is unknown and no
 * client should come to depend on the sandbox's guess. The amount asked is kept (requestedUnits).
 */
export function serializeRefund(r: SandboxRefund) {
  return {
    id: r.id,
    order_id: r.orderId,
    user_id: r.userId,
    created: iso(r.createdMs),
    reason: r.reason,
    total_amount: v3Amount(r.totalUnits),
    total_tax: v3Amount(r.taxUnits),
    uses_merchant_override_values: r.usesMerchantOverride,
    items: r.items.map((i) => ({
      item_type: i.itemType,
      item_id: i.itemId,
      reason: i.reason,
      ...(i.quantity !== null ? { quantity: i.quantity } : {}),
    })),
    payments: r.payments.map((p) => ({
      id: p.id,
      provider_id: p.providerId,
      amount: v3Amount(p.amountUnits),
      offline: p.offline,
      is_declined: p.isDeclined,
      declined_message: p.declinedMessage,
      transaction_id: p.transactionId,
    })),
  };
}
