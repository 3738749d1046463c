import { z } from 'zod';
import { findProduct, findVariant, optionLabel, variantPrice, variantsOf } from './catalog';
import { parseMoneyInput, roundToCents } from './format';
import type { BcSandboxData, SandboxAddress, SandboxOrder, SandboxOrderLine, SandboxShippingAddress } from './state';

/** What POST /v2/orders accepts (orders.v2.oas2.yml: order_Post). Money may be a number or a string. */
const money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);

const address = z.object({
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
});

const catalogProduct = z.object({
  product_id: z.number().int().positive(),
  variant_id: z.number().int().positive().optional(),
  quantity: z.number().int().positive(),
  price_ex_tax: money.optional(),
  price_inc_tax: money.optional(),
  name: z.string().optional(),
});

const customProduct = z.object({
  name: z.string().min(1),
  quantity: z.number().int().positive(),
  price_ex_tax: money,
  price_inc_tax: money,
  sku: z.string().default(''),
});

export const orderPostSchema = z.object({
  billing_address: address,
  products: z.array(z.union([catalogProduct, customProduct])).min(1),
  shipping_addresses: z.array(address.extend({ shipping_method: z.string().default('') })).optional(),
  customer_id: z.number().int().nonnegative().default(0),
  status_id: z.number().int().min(0).max(14).default(1),
  shipping_cost_ex_tax: money.optional(),
  shipping_cost_inc_tax: money.optional(),
  handling_cost_ex_tax: money.optional(),
  handling_cost_inc_tax: money.optional(),
  discount_amount: money.optional(),
  payment_method: z.string().default('Manual'),
  customer_message: z.string().default(''),
  staff_notes: z.string().default(''),
  external_order_id: z.string().optional(),
  external_source: z.string().optional(),
  channel_id: z.number().int().positive().default(1),
  default_currency_code: z.string().length(3).optional(),
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

/** Order statuses that mean "paid" for payment_status purposes. */
const PAID_STATUSES = new Set([2, 3, 8, 9, 10, 11]);

/**
 * Builds an order the way BigCommerce computes one: catalog prices unless overridden, tax per unit
 * in whole cents at the store's rate unless both prices are given, and the V2 totals from the parts.
 */
export function createOrder(data: BcSandboxData, body: OrderPost, opts: { taxRate: number; nowMs: number }): SandboxOrder {
  const withTax = (exUnits: number) => exUnits + roundToCents(exUnits * opts.taxRate);

  const shippingInputs = body.shipping_addresses?.length ? body.shipping_addresses : [{ ...body.billing_address, shipping_method: 'Free Shipping' }];
  const shippingExTotal = body.shipping_cost_ex_tax !== undefined ? parseMoneyInput(body.shipping_cost_ex_tax) : 0;
  const shippingIncTotal =
    body.shipping_cost_inc_tax !== undefined ? parseMoneyInput(body.shipping_cost_inc_tax) : withTax(shippingExTotal);
  const shipping: SandboxShippingAddress[] = shippingInputs.map((a, i) => {
    const { shipping_method, ...rest } = a;
    return {
      ...(rest as SandboxAddress),
      id: data.nextIds.orderAddress + i,
      shippingMethod: shipping_method,
      // The whole shipping charge sits on the first destination, as a single-quote checkout does.
      costExUnits: i === 0 ? shippingExTotal : 0,
      costIncUnits: i === 0 ? shippingIncTotal : 0,
    };
  });

  const lines: SandboxOrderLine[] = body.products.map((p, i): SandboxOrderLine => {
    const lineId = data.nextIds.orderProduct + i;
    const orderAddressId = shipping[0]!.id;
    if ('product_id' in p) {
      const product = findProduct(data, p.product_id);
      if (!product) throw new OrderInputError(400, `The product with ID ${p.product_id} could not be found.`);
      let variant;
      if (product.base_variant_id !== null) {
        variant = findVariant(data, product.base_variant_id);
      } else {
        if (p.variant_id === undefined) {
          throw new OrderInputError(400, `The product with ID ${p.product_id} has variants: send variant_id or product_options.`);
        }
        variant = variantsOf(data, product.id).find((v) => v.id === p.variant_id);
        if (!variant) throw new OrderInputError(400, `The variant with ID ${p.variant_id} does not belong to product ${p.product_id}.`);
      }
      const catalogEx = parseMoneyInput(variant ? variantPrice(data, variant) : product.price);
      const ex = p.price_ex_tax !== undefined ? parseMoneyInput(p.price_ex_tax) : catalogEx;
      const inc = p.price_inc_tax !== undefined ? parseMoneyInput(p.price_inc_tax) : withTax(ex);
      return {
        id: lineId,
        productId: product.id,
        variantId: variant?.id ?? null,
        orderAddressId,
        name: p.name ?? product.name,
        sku: variant?.sku ?? product.sku,
        type: product.type === 'digital' ? 'digital' : 'physical',
        quantity: p.quantity,
        priceExUnits: ex,
        priceIncUnits: inc,
        weight: product.weight,
        optionLabel: variant ? optionLabel(variant) : null,
        quantityShipped: 0,
        quantityRefunded: 0,
        refundedUnits: 0,
        discountUnits: 0,
      };
    }
    return {
      id: lineId,
      productId: 0,
      variantId: null,
      orderAddressId,
      name: p.name,
      sku: p.sku,
      type: 'physical',
      quantity: p.quantity,
      priceExUnits: parseMoneyInput(p.price_ex_tax),
      priceIncUnits: parseMoneyInput(p.price_inc_tax),
      weight: 0,
      optionLabel: null,
      quantityShipped: 0,
      quantityRefunded: 0,
      refundedUnits: 0,
      discountUnits: 0,
    };
  });

  const handlingEx = body.handling_cost_ex_tax !== undefined ? parseMoneyInput(body.handling_cost_ex_tax) : 0;
  const handlingInc = body.handling_cost_inc_tax !== undefined ? parseMoneyInput(body.handling_cost_inc_tax) : withTax(handlingEx);

  const order: SandboxOrder = {
    id: data.nextIds.order,
    customerId: body.customer_id,
    statusId: body.status_id,
    createdMs: opts.nowMs,
    modifiedMs: opts.nowMs,
    shippedMs: null,
    billing: body.billing_address as SandboxAddress,
    shipping,
    lines,
    handlingExUnits: handlingEx,
    handlingIncUnits: handlingInc,
    discountUnits: body.discount_amount !== undefined ? parseMoneyInput(body.discount_amount) : 0,
    couponDiscountUnits: 0,
    paymentMethod: body.payment_method,
    paymentProviderId: '',
    paymentStatus: PAID_STATUSES.has(body.status_id) ? 'captured' : '',
    currency: body.default_currency_code ?? 'USD',
    customerMessage: body.customer_message,
    staffNotes: body.staff_notes,
    externalOrderId: body.external_order_id ?? null,
    externalSource: body.external_source ?? null,
    channelId: body.channel_id,
    orderSource: 'external',
    isDeleted: false,
    refundedUnits: 0,
    customFields: [],
    shipments: [],
    payment: { providerId: 'testgateway', providerDescription: body.payment_method, offline: false, capturedUnits: 0 },
  };
  data.nextIds.order += 1;
  data.nextIds.orderProduct += lines.length;
  data.nextIds.orderAddress += shipping.length;
  data.orders[String(order.id)] = order;
  return order;
}
