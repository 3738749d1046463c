import { z } from 'zod';
import { addressFields } from './order-serialize';
import { findProduct, findVariant, optionLabel, variantPrice, variantsOf } from './catalog';
import type { SandboxContext } from './context';
import { moneyInput, parseMoneyInput, roundToCents } from './format';
import { relativeProblem, applyStockChanges, type StockChange } from './inventory';
import { refereeSale } from './stock-truth';
import { unwritableField, zodMessage } from './order-fields';
import { paymentFor } from './order-payment';
import { isPaidStatus } from './order-statuses';
import { feePostSchema, feesFrom } from './order-fees';
import { distribute } from './order-totals';
import type { BcSandboxData, SandboxAddress, SandboxFee, SandboxFormField, SandboxLineDiscount, SandboxOrder, SandboxOrderLine, SandboxShippingAddress, V3Variant } from './state';

export { moneyInput };

export const formFieldSchema = z.strictObject({ name: z.string().min(1), value: z.union([z.number(), z.string(), z.array(z.string())]) });

const addressShape = {
  first_name: z.string().default(''),
  last_name: z.string().default(''),
  company: z.string().default(''),
  street_1: z.string().default(''),
  street_2: z.string().default(''),
  city: z.string().default(''),
  state: z.string().default(''),
  zip: z.string().default(''),
  country: z.string().default(''),
  country_iso2: z.string().default(''),
  phone: z.string().default(''),
  email: z.string().default(''),
};

/** billingAddress_Base: "The billing address must include the ZIP code ... two or more characters." */
export const billingAddressSchema = z.strictObject({
  ...addressShape,
  zip: z.string().min(2, 'The ZIP code must be two or more characters.'),
  form_fields: z.array(formFieldSchema).default([]),
});

export const shippingAddressSchema = z.strictObject({ ...addressShape, shipping_method: z.string().default(''), form_fields: z.array(formFieldSchema).default([]) });

const productOption = z.looseObject({ id: z.number().int(), value: z.union([z.string(), z.number()]) });

/** orderCatalogProduct_Post */
export const catalogProductSchema = z.strictObject({
  product_id: z.number().int().positive(),
  variant_id: z.number().int().positive().optional(),
  product_options: z.array(productOption).optional(),
  quantity: z.number().int().positive(),
  price_ex_tax: moneyInput.optional(),
  price_inc_tax: moneyInput.optional(),
  name: z.string().min(1).optional(),
  name_customer: z.string().min(1).optional(),
  name_merchant: z.string().min(1).optional(),
  upc: z.string().max(255).optional(),
});

/** orderCustomProduct_Post: one of name, name_customer, name_merchant is required. */
export const customProductSchema = z
  .strictObject({
    name: z.string().min(1).max(250).optional(),
    name_customer: z.string().min(1).optional(),
    name_merchant: z.string().min(1).optional(),
    quantity: z.number().int().positive(),
    price_ex_tax: moneyInput,
    price_inc_tax: moneyInput,
    sku: z.string().default(''),
    upc: z.string().max(255).default(''),
  })
  .refine((p) => p.name ?? p.name_customer ?? p.name_merchant, { message: 'name, name_customer or name_merchant is required', path: ['name'] });

export const orderPostSchema = z.strictObject({
  billing_address: billingAddressSchema,
  // Parsed item by item (catalog or custom) so a 400 can name the exact field.
  products: z.array(z.record(z.string(), z.unknown())).min(1),
  shipping_addresses: z.array(shippingAddressSchema).optional(),
  customer_id: z.number().int().nonnegative().default(0),
  status_id: z.number().int().min(0).max(14).default(1),
  date_created: z.string().optional(),
  shipping_cost_ex_tax: moneyInput.optional(),
  shipping_cost_inc_tax: moneyInput.optional(),
  handling_cost_ex_tax: moneyInput.optional(),
  handling_cost_inc_tax: moneyInput.optional(),
  discount_amount: moneyInput.optional(),
  payment_method: z.string().default('Manual'),
  payment_provider_id: z.union([z.string(), z.number()]).optional(),
  customer_message: z.string().default(''),
  staff_notes: z.string().max(65535).default(''),
  external_order_id: z.string().optional(),
  external_source: z.string().nullable().optional(),
  channel_id: z.number().int().positive().default(1),
  default_currency_code: z.string().length(3).optional(),
  customer_locale: z
    .string()
    .regex(/^[a-z]{2,3}(-([A-Z]{2}|\d{3}))?$/, 'must look like en, asa, en-US or es-419')
    .default('en'),
  ip_address: z.string().max(30).optional(),
  order_source: z.string().optional(),
  fees: z.array(feePostSchema).max(50).optional(),
});
export type OrderPost = z.infer<typeof orderPostSchema>;

export class OrderInputError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// --- the sandbox's own description of a new order, shared by the API and the generator ---

export type NewOrderLine =
  | {
      kind: 'catalog';
      productId: number;
      variantId?: number;
      optionValueIds?: number[];
      quantity: number;
      priceEx?: number;
      priceInc?: number;
      name?: string;
      nameMerchant?: string;
      upc?: string;
      /** Index into `shipping`: which destination the line ships to (0 when unset). */
      addressIndex?: number;
      discounts?: SandboxLineDiscount[];
      /** Gift wrapping for the whole line, before tax (the storefront's "gift wrap this item"). */
      wrapping?: { name: string; message: string; exUnits: number };
    }
  | { kind: 'custom'; name: string; nameMerchant?: string; quantity: number; priceEx: number; priceInc: number; sku: string; upc: string; addressIndex?: number }
  | { kind: 'giftcertificate'; amountUnits: number; recipientEmail: string; recipientName: string; message: string };

export interface NewOrder {
  customerId: number;
  statusId: number;
  createdMs?: number;
  billing: SandboxAddress;
  billingFormFields: SandboxFormField[];
  shipping: Array<SandboxAddress & { shippingMethod: string; formFields: SandboxFormField[]; costExUnits?: number; costIncUnits?: number }>;
  lines: NewOrderLine[];
  /** Whole-order shipping, put on the first destination when destinations carry no cost of their own. */
  shippingExUnits?: number;
  shippingIncUnits?: number;
  handlingExUnits?: number;
  handlingIncUnits?: number;
  manualDiscountUnits: number;
  coupon?: { id: number; code: string; name: string; units: number };
  fees?: SandboxFee[];
  /** Part of the total paid with store credit or a redeemed gift certificate. */
  storeCreditUnits?: number;
  giftCertificateRedeemedUnits?: number;
  paymentMethod: string;
  paymentProviderId: string;
  customerMessage: string;
  staffNotes: string;
  externalOrderId: string | null;
  externalSource: string | null;
  channelId: number;
  orderSource: string;
  currency: string;
  customerLocale: string;
  ipAddress: string;
  cartId: string;
}

const withTax = (exUnits: number, taxRate: number) => exUnits + roundToCents(exUnits * taxRate);
const exFromInc = (incUnits: number, taxRate: number) => Math.round(incUnits / (1 + taxRate));

/** Prices of a line: the catalog's unless given; the missing side derived at the store's tax rate. */
function linePrices(catalogEx: number, ex: number | undefined, inc: number | undefined, taxRate: number) {
  if (ex !== undefined && inc !== undefined) return { ex, inc };
  if (ex !== undefined) return { ex, inc: withTax(ex, taxRate) };
  if (inc !== undefined) return { ex: exFromInc(inc, taxRate), inc };
  return { ex: catalogEx, inc: withTax(catalogEx, taxRate) };
}

type LineBody = Omit<SandboxOrderLine, 'id' | 'orderAddressId'>;

/** A catalog line: product and variant resolved (by variant_id or product_options), catalog price unless overridden. */
export function catalogLine(data: BcSandboxData, p: Extract<NewOrderLine, { kind: 'catalog' }>, taxRate: number): LineBody {
  const product = findProduct(data, p.productId);
  if (!product) throw new OrderInputError(400, `The product with ID ${p.productId} could not be found.`);
  let variant: V3Variant | undefined;
  if (product.base_variant_id !== null) {
    variant = findVariant(data, product.base_variant_id);
  } else if (p.variantId !== undefined) {
    variant = variantsOf(data, product.id).find((v) => v.id === p.variantId);
    if (!variant) throw new OrderInputError(400, `The variant with ID ${p.variantId} does not belong to product ${p.productId}.`);
  } else if (p.optionValueIds?.length) {
    variant = variantsOf(data, product.id).find((v) => v.option_values.every((ov) => p.optionValueIds!.includes(ov.id)));
    if (!variant) throw new OrderInputError(400, `The product options sent do not match a variant of product ${p.productId}.`);
  } else {
    throw new OrderInputError(400, `The product with ID ${p.productId} has variants: send variant_id or product_options.`);
  }
  const catalogEx = parseMoneyInput(variant ? variantPrice(data, variant) : product.price);
  const { ex, inc } = linePrices(catalogEx, p.priceEx, p.priceInc, taxRate);
  const name = p.name ?? product.name;
  return {
    productId: product.id,
    variantId: variant?.id ?? null,
    name,
    nameMerchant: p.nameMerchant ?? name,
    sku: variant?.sku ?? product.sku,
    upc: p.upc ?? '',
    type: product.type === 'digital' ? 'digital' : 'physical',
    quantity: p.quantity,
    priceExUnits: ex,
    priceIncUnits: inc,
    weight: product.weight,
    optionLabel: variant ? optionLabel(variant) : null,
    quantityShipped: 0,
    quantityRefunded: 0,
    refundedUnits: 0,
    discounts: p.discounts ?? [],
    stockLocationId: null,
    giftCertificate: null,
  };
}

export function customLine(p: Extract<NewOrderLine, { kind: 'custom' }>): LineBody {
  return {
    productId: 0,
    variantId: null,
    name: p.name,
    nameMerchant: p.nameMerchant ?? p.name,
    sku: p.sku,
    upc: p.upc,
    type: 'physical',
    quantity: p.quantity,
    priceExUnits: p.priceEx,
    priceIncUnits: p.priceInc,
    weight: 0,
    optionLabel: null,
    quantityShipped: 0,
    quantityRefunded: 0,
    refundedUnits: 0,
    discounts: [],
    stockLocationId: null,
    giftCertificate: null,
  };
}

/** Gift certificates carry no tax and are delivered by email (consignments.email.gift_certificates). */
function giftCertificateLine(p: Extract<NewOrderLine, { kind: 'giftcertificate' }>, lineId: number): LineBody {
  return {
    ...customLine({
      kind: 'custom',
      name: `$${(p.amountUnits / 10_000).toFixed(2)} Gift Certificate`,
      quantity: 1,
      priceEx: p.amountUnits,
      priceInc: p.amountUnits,
      sku: '',
      upc: '',
    }),
    type: 'giftcertificate',
    giftCertificate: { id: lineId, recipientEmail: p.recipientEmail, recipientName: p.recipientName, message: p.message },
  };
}

/**
 * Builds an order the way BigCommerce computes one, without storing it or using up ids: catalog
 * prices unless overridden, tax per unit in whole cents at the store's rate, an order discount
 * spread over the lines, stock tracked at `stockLocationId`.
 */
export function buildOrder(data: BcSandboxData, input: NewOrder, opts: { taxRate: number; nowMs: number; stockLocationId: number }): SandboxOrder {
  const hasPhysical = input.lines.some((l) => l.kind === 'custom' || (l.kind === 'catalog' && findProduct(data, l.productId)?.type !== 'digital'));
  // "If a shipping address is not provided, it defaults to the billing address"; a digital-only order has none.
  const destinations = input.shipping.length ? input.shipping : hasPhysical ? [{ ...input.billing, shippingMethod: 'Free Shipping', formFields: [] }] : [];
  const shippingEx = input.shippingExUnits ?? 0;
  const shippingInc = input.shippingIncUnits ?? withTax(shippingEx, opts.taxRate);
  const shipping: SandboxShippingAddress[] = destinations.map((a, i) => {
    const { shippingMethod, formFields, costExUnits, costIncUnits, ...address } = a;
    const ex = costExUnits ?? (i === 0 ? shippingEx : 0);
    const inc = costIncUnits ?? (costExUnits !== undefined ? withTax(costExUnits, opts.taxRate) : i === 0 ? shippingInc : 0);
    return { ...address, id: data.nextIds.orderAddress + i, shippingMethod, formFields, costExUnits: ex, costIncUnits: inc, refundedUnits: 0 };
  });

  const lines: SandboxOrderLine[] = input.lines.map((l, i) => {
    const id = data.nextIds.orderProduct + i;
    const body = l.kind === 'catalog' ? catalogLine(data, l, opts.taxRate) : l.kind === 'custom' ? customLine(l) : giftCertificateLine(l, id);
    let orderAddressId = 0;
    if (body.type === 'physical') {
      const index = l.kind === 'giftcertificate' ? 0 : (l.addressIndex ?? 0);
      const destination = shipping[index];
      if (!destination) throw new OrderInputError(400, `The line ${i} ships to shipping address ${index}, which the order does not have.`);
      orderAddressId = destination.id;
    }
    const wrapping = l.kind === 'catalog' && l.wrapping ? { ...l.wrapping, incUnits: withTax(l.wrapping.exUnits, opts.taxRate), refundedUnits: 0 } : null;
    return { id, orderAddressId, ...body, wrapping };
  });

  const discountable = lines.filter((l) => l.type !== 'giftcertificate');
  const addOrderDiscount = (units: number, discount: Omit<SandboxLineDiscount, 'units'>) =>
    distribute(discountable, units).forEach((share, i) => {
      if (share > 0) discountable[i]!.discounts.push({ ...discount, units: share });
    });
  if (input.manualDiscountUnits > 0) addOrderDiscount(input.manualDiscountUnits, { id: 'manual-discount', name: 'Manual Discount', code: null, target: 'order', isCoupon: false });
  if (input.coupon) addOrderDiscount(input.coupon.units, { id: String(input.coupon.id), name: input.coupon.name, code: input.coupon.code, target: 'order', isCoupon: true });

  const handlingEx = input.handlingExUnits ?? 0;
  return {
    id: data.nextIds.order,
    customerId: input.customerId,
    statusId: input.statusId,
    createdMs: input.createdMs ?? opts.nowMs,
    modifiedMs: opts.nowMs,
    shippedMs: null,
    billing: input.billing,
    billingFormFields: input.billingFormFields,
    shipping,
    lines,
    handlingExUnits: handlingEx,
    handlingIncUnits: input.handlingIncUnits ?? withTax(handlingEx, opts.taxRate),
    handlingRefundedUnits: 0,
    paymentMethod: input.paymentMethod,
    paymentProviderId: input.paymentProviderId,
    paymentStatus: isPaidStatus(input.statusId) ? 'captured' : '',
    currency: input.currency,
    customerMessage: input.customerMessage,
    staffNotes: input.staffNotes,
    externalOrderId: input.externalOrderId,
    externalSource: input.externalSource,
    channelId: input.channelId,
    orderSource: input.orderSource,
    customerLocale: input.customerLocale,
    ipAddress: input.ipAddress,
    cartId: input.cartId,
    isDeleted: false,
    refundedUnits: 0,
    shipments: [],
    payment: paymentFor(input.paymentMethod),
    fees: input.fees ?? [],
    storeCreditUnits: input.storeCreditUnits ?? 0,
    giftCertificateRedeemedUnits: input.giftCertificateRedeemedUnits ?? 0,
  };
}

/** The stock an order's lines take at the stock location: tracked catalog products only. */
export function stockChangesFor(data: BcSandboxData, lines: SandboxOrderLine[], locationId: number, sign: 1 | -1 = -1): StockChange[] {
  const byVariant = new Map<number, number>();
  for (const l of lines) {
    if (l.variantId === null || l.productId === 0) continue;
    if (findProduct(data, l.productId)?.inventory_tracking === 'none') continue;
    byVariant.set(l.variantId, (byVariant.get(l.variantId) ?? 0) + sign * l.quantity);
  }
  return [...byVariant].filter(([, value]) => value !== 0).map(([variantId, value]) => ({ locationId, variantId, value }));
}

/**
 * Stock is checked before anything is stored: an order that would take a tracked variant below
 * its safety stock at the order location is refused with 400 and changes nothing. (BigCommerce's
 * storefront never sells below available-to-sell = on hand - safety stock; what the V2 API does is
 * not documented, so the sandbox takes the strict side.)
 */
export function stockProblem(data: BcSandboxData, changes: StockChange[]): string | undefined {
  for (const change of changes) {
    if (change.value >= 0) continue;
    const problem = relativeProblem(data, change);
    if (problem) {
      const variant = findVariant(data, change.variantId);
      return `The quantity requested of SKU '${variant?.sku ?? change.variantId}' is not available. ${problem}`;
    }
  }
  return undefined;
}

/** Stores a built order, takes its stock and fires `store/order/created` (and the inventory events). */
export function placeOrder(ctx: SandboxContext, order: SandboxOrder): SandboxOrder {
  const locationId = ctx.settings.orderStockLocationId;
  const changes = stockChangesFor(ctx.data, order.lines, locationId);
  const problem = stockProblem(ctx.data, changes);
  if (problem) throw new OrderInputError(400, problem);
  const tracked = new Set(changes.map((c) => c.variantId));
  for (const l of order.lines) if (l.variantId !== null && tracked.has(l.variantId)) l.stockLocationId = locationId;
  const data = ctx.data;
  data.nextIds.order = order.id + 1;
  data.nextIds.orderProduct = Math.max(data.nextIds.orderProduct, ...order.lines.map((l) => l.id + 1));
  data.nextIds.orderAddress = Math.max(data.nextIds.orderAddress, ...order.shipping.map((s) => s.id + 1));
  data.orders[String(order.id)] = order;
  ctx.changed();
  ctx.emit('store/order/created', { type: 'order', id: order.id });
  refereeSale(ctx, changes);
  if (changes.length) applyStockChanges(ctx, changes, 'relative', 'order');
  return order;
}

/** Dates in requests: RFC-2822 or ISO-8601, as the V2 filters document. */
export function parseDateInput(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Request addresses carry exactly the stored fields (the schemas default every one). */
const toAddress = (a: z.infer<typeof shippingAddressSchema> | z.infer<typeof billingAddressSchema>): SandboxAddress => addressFields(a);

/** One `products` item of a POST or PUT, as a new line (catalog when it names a product_id). */
export function parseNewLine(raw: Record<string, unknown>, path: string): NewOrderLine {
  if ('product_id' in raw) {
    const parsed = catalogProductSchema.safeParse(raw);
    if (!parsed.success) throw new OrderInputError(400, zodMessage(parsed.error, path));
    const p = parsed.data;
    return {
      kind: 'catalog',
      productId: p.product_id,
      variantId: p.variant_id,
      optionValueIds: p.product_options?.map((o) => Number(o.value)).filter(Number.isInteger),
      quantity: p.quantity,
      priceEx: p.price_ex_tax !== undefined ? parseMoneyInput(p.price_ex_tax) : undefined,
      priceInc: p.price_inc_tax !== undefined ? parseMoneyInput(p.price_inc_tax) : undefined,
      name: p.name ?? p.name_customer,
      nameMerchant: p.name_merchant,
      upc: p.upc,
    };
  }
  const parsed = customProductSchema.safeParse(raw);
  if (!parsed.success) throw new OrderInputError(400, zodMessage(parsed.error, path));
  const p = parsed.data;
  const name = (p.name ?? p.name_customer ?? p.name_merchant)!;
  return {
    kind: 'custom',
    name,
    nameMerchant: p.name_merchant,
    quantity: p.quantity,
    priceEx: parseMoneyInput(p.price_ex_tax),
    priceInc: parseMoneyInput(p.price_inc_tax),
    sku: p.sku,
    upc: p.upc,
  };
}

/** POST /v2/orders body -> a new order, or OrderInputError with BigCommerce's V2 400 message. */
export function orderFromPost(data: BcSandboxData, raw: unknown): NewOrder {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const problem = unwritableField(raw as Record<string, unknown>);
    if (problem) throw new OrderInputError(400, problem);
  }
  const parsed = orderPostSchema.safeParse(raw);
  if (!parsed.success) throw new OrderInputError(400, zodMessage(parsed.error));
  const body = parsed.data;
  if (body.customer_id > 0 && !data.customers[String(body.customer_id)]) throw new OrderInputError(400, `The customer with ID ${body.customer_id} does not exist.`);
  let createdMs: number | undefined;
  if (body.date_created !== undefined) {
    createdMs = parseDateInput(body.date_created);
    if (createdMs === undefined) throw new OrderInputError(400, `The field 'date_created' is invalid: expected an RFC-2822 date such as 'Tue, 20 Nov 2012 00:00:00 +0000'`);
  }
  const money = (v: string | number | undefined) => (v === undefined ? undefined : parseMoneyInput(v));
  return {
    customerId: body.customer_id,
    statusId: body.status_id,
    createdMs,
    billing: toAddress(body.billing_address),
    billingFormFields: body.billing_address.form_fields,
    // "When adding shipping addresses during an order PUT or POST request, the API will allow you
    // to add more than is necessary": the products of a V2 POST all ship to the first one.
    shipping: (body.shipping_addresses ?? []).map((a) => ({ ...toAddress(a), shippingMethod: a.shipping_method, formFields: a.form_fields })),
    lines: body.products.map((p, i) => parseNewLine(p, `products.${i}`)),
    shippingExUnits: money(body.shipping_cost_ex_tax),
    shippingIncUnits: money(body.shipping_cost_inc_tax),
    handlingExUnits: money(body.handling_cost_ex_tax),
    handlingIncUnits: money(body.handling_cost_inc_tax),
    manualDiscountUnits: money(body.discount_amount) ?? 0,
    fees: feesFrom(body.fees ?? []),
    paymentMethod: body.payment_method,
    paymentProviderId: body.payment_provider_id !== undefined ? String(body.payment_provider_id) : '',
    customerMessage: body.customer_message,
    staffNotes: body.staff_notes,
    externalOrderId: body.external_order_id ?? null,
    externalSource: body.external_source ?? null,
    channelId: body.channel_id,
    orderSource: body.order_source ?? 'external',
    currency: body.default_currency_code ?? 'USD',
    customerLocale: body.customer_locale,
    ipAddress: body.ip_address ?? '',
    cartId: '',
  };
}
