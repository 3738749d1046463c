import { z } from 'zod';
import type { SandboxContext } from './context';
import { parseMoneyInput, roundToCents } from './format';
import { applyStockChanges, type StockChange } from './inventory';
import { billingAddressSchema, catalogLine, customLine, formFieldSchema, moneyInput, OrderInputError, parseDateInput, parseNewLine, stockProblem } from './order-create';
import { orderChanged, setStatus } from './order-events';
import { unwritableField, zodMessage } from './order-fields';
import { feePutSchema, feesFrom } from './order-fees';
import { paymentFor } from './order-payment';
import { distribute } from './order-totals';
import type { SandboxOrder, SandboxOrderLine } from './state';

/**
 * PUT /v2/orders/{id} (orders.v2.oas2.yml: order_Put). Only the fields sent change. `products`
 * behaves like PATCH: no `id` adds a line, `id` updates that line, `quantity: 0` removes it, and
 * every line the request touches loses its discounts ("After the update, the PUT request clears all
 * discounts and promotions applied to the changed order line items"). Changing an address does not
 * recalculate shipping or tax. Stock follows line quantities at the order's stock location.
 */

// Only the address fields sent change, so nothing here defaults to ''.
const addressPatch = {
  first_name: z.string(),
  last_name: z.string(),
  company: z.string(),
  street_1: z.string(),
  street_2: z.string(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  country: z.string(),
  country_iso2: z.string(),
  phone: z.string(),
  email: z.string(),
};
const partialBilling = z.strictObject({ ...addressPatch, zip: billingAddressSchema.shape.zip, form_fields: z.array(formFieldSchema) }).partial();
const shippingPut = z.strictObject({ ...addressPatch, shipping_method: z.string(), form_fields: z.array(formFieldSchema), id: z.number().int().positive() }).partial();

const orderPutSchema = z.strictObject({
  status_id: z.number().int().min(0).max(14).optional(),
  customer_id: z.number().int().nonnegative().optional(),
  billing_address: partialBilling.optional(),
  shipping_addresses: z.array(shippingPut).optional(),
  products: z.array(z.record(z.string(), z.unknown())).optional(),
  staff_notes: z.string().max(65535).optional(),
  customer_message: z.string().optional(),
  external_order_id: z.string().nullable().optional(),
  external_source: z.string().nullable().optional(),
  payment_method: z.string().optional(),
  payment_provider_id: z.union([z.string(), z.number()]).optional(),
  channel_id: z.number().int().positive().optional(),
  customer_locale: z
    .string()
    .regex(/^[a-z]{2,3}(-([A-Z]{2}|\d{3}))?$/, 'must look like en, asa, en-US or es-419')
    .optional(),
  ip_address: z.string().max(30).optional(),
  date_created: z.string().optional(),
  is_deleted: z.boolean().optional(),
  discount_amount: moneyInput.optional(),
  shipping_cost_ex_tax: moneyInput.optional(),
  shipping_cost_inc_tax: moneyInput.optional(),
  handling_cost_ex_tax: moneyInput.optional(),
  handling_cost_inc_tax: moneyInput.optional(),
  order_source: z.string().optional(),
  fees: z.array(feePutSchema).max(50).optional(),
});

/** An existing line named by `id`: what may change on it. Changing its product or variant is not simulated. */
const lineUpdateSchema = z.strictObject({
  id: z.number().int().positive(),
  product_id: z.number().int().nonnegative().optional(),
  variant_id: z.number().int().positive().optional(),
  product_options: z.array(z.looseObject({ id: z.number().int() })).optional(),
  quantity: z.number().int().nonnegative().optional(),
  price_ex_tax: moneyInput.optional(),
  price_inc_tax: moneyInput.optional(),
  name: z.string().min(1).optional(),
  name_customer: z.string().min(1).optional(),
  name_merchant: z.string().min(1).optional(),
  sku: z.string().optional(),
  upc: z.string().max(255).optional(),
});

const fail = (message: string): never => {
  throw new OrderInputError(400, message);
};

/** Ids handed out while a PUT is checked; committed to the store only if it succeeds. */
interface IdCursor {
  line: number;
  address: number;
}

function applyLineChanges(ctx: SandboxContext, order: SandboxOrder, items: Array<Record<string, unknown>>, ids: IdCursor): void {
  const taxRate = ctx.settings.taxRate;
  items.forEach((raw, i) => {
    const path = `products.${i}`;
    if (!('id' in raw)) {
      const spec = parseNewLine(raw, path);
      if (spec.kind === 'giftcertificate') return;
      const body = spec.kind === 'catalog' ? catalogLine(ctx.data, spec, taxRate) : customLine(spec);
      let orderAddressId = 0;
      if (body.type === 'physical') {
        // A physical line needs a destination: an order without one ships to its billing address.
        if (!order.shipping.length) {
          order.shipping.push({ ...order.billing, id: ids.address++, shippingMethod: 'Free Shipping', costExUnits: 0, costIncUnits: 0, formFields: [], refundedUnits: 0 });
        }
        orderAddressId = order.shipping[0]!.id;
      }
      order.lines.push({ id: ids.line++, orderAddressId, ...body });
      return;
    }
    const parsed = lineUpdateSchema.safeParse(raw);
    if (!parsed.success) fail(zodMessage(parsed.error, path));
    const u = parsed.data!;
    const line = order.lines.find((l) => l.id === u.id) ?? fail(`The order product with ID ${u.id} does not exist on order ${order.id}.`);
    if ((u.product_id !== undefined && u.product_id !== line.productId) || (u.variant_id !== undefined && u.variant_id !== line.variantId)) {
      fail(`The field '${path}.product_id' cannot change the product of an existing line in the BigCommerce sandbox: remove the line and add a new one.`);
    }
    if (u.quantity === 0) {
      if (line.quantityShipped > 0 || line.quantityRefunded > 0) fail(`The order product with ID ${line.id} has been shipped or refunded and cannot be removed.`);
      order.lines = order.lines.filter((l) => l.id !== line.id);
      return;
    }
    if (u.quantity !== undefined) {
      if (u.quantity < line.quantityShipped) fail(`The field '${path}.quantity' cannot be less than the ${line.quantityShipped} already shipped.`);
      if (u.quantity < line.quantityRefunded) fail(`The field '${path}.quantity' cannot be less than the ${line.quantityRefunded} already refunded.`);
      line.quantity = u.quantity;
    }
    const ex = u.price_ex_tax !== undefined ? parseMoneyInput(u.price_ex_tax) : undefined;
    const inc = u.price_inc_tax !== undefined ? parseMoneyInput(u.price_inc_tax) : undefined;
    if (ex !== undefined || inc !== undefined) {
      line.priceExUnits = ex ?? Math.round((inc as number) / (1 + taxRate));
      line.priceIncUnits = inc ?? line.priceExUnits + roundToCents(line.priceExUnits * taxRate);
    }
    const name = u.name ?? u.name_customer;
    if (name !== undefined) line.name = name;
    if (u.name_merchant !== undefined) line.nameMerchant = u.name_merchant;
    if (u.sku !== undefined) {
      if (line.productId !== 0) fail(`The field '${path}.sku' can only be written for custom products.`);
      line.sku = u.sku;
    }
    if (u.upc !== undefined) line.upc = u.upc;
    line.discounts = [];
  });
  if (!order.lines.length) fail('An order must keep at least one product.');
}

/** Stock moves by the difference in quantities, per (location, variant), for tracked lines. */
function stockDelta(before: SandboxOrderLine[], after: SandboxOrderLine[]): StockChange[] {
  const totals = new Map<string, number>();
  const add = (lines: SandboxOrderLine[], sign: number) => {
    for (const l of lines)
      if (l.stockLocationId !== null && l.variantId !== null)
        totals.set(`${l.stockLocationId}:${l.variantId}`, (totals.get(`${l.stockLocationId}:${l.variantId}`) ?? 0) + sign * l.quantity);
  };
  add(before, 1);
  add(after, -1);
  return [...totals].filter(([, v]) => v !== 0).map(([key, value]) => ({ locationId: Number(key.split(':')[0]), variantId: Number(key.split(':')[1]), value }));
}

export interface UpdateOutcome {
  order: SandboxOrder;
  changed: boolean;
}

/** Applies a PUT to a copy of the order, validates it whole, then swaps it in and fires the events. */
export function updateOrder(ctx: SandboxContext, current: SandboxOrder, raw: unknown): UpdateOutcome {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const problem = unwritableField(raw as Record<string, unknown>);
    if (problem) fail(problem);
  }
  const parsed = orderPutSchema.safeParse(raw);
  if (!parsed.success) fail(zodMessage(parsed.error));
  const body = parsed.data!;
  const order = structuredClone(current);
  const ids: IdCursor = { line: ctx.data.nextIds.orderProduct, address: ctx.data.nextIds.orderAddress };

  if (body.customer_id !== undefined && body.customer_id > 0 && !ctx.data.customers[String(body.customer_id)]) fail(`The customer with ID ${body.customer_id} does not exist.`);
  if (body.customer_id !== undefined) order.customerId = body.customer_id;
  if (body.status_id !== undefined) setStatus(order, body.status_id);
  if (body.billing_address) {
    const { form_fields, ...fields } = body.billing_address;
    Object.assign(order.billing, fields);
    if (form_fields) order.billingFormFields = form_fields;
  }
  for (const [i, a] of (body.shipping_addresses ?? []).entries()) {
    const { id, form_fields, shipping_method, ...fields } = a;
    if (id === undefined) {
      const blank = { first_name: '', last_name: '', company: '', street_1: '', street_2: '', city: '', state: '', zip: '', country: '', country_iso2: '', phone: '', email: '' };
      order.shipping.push({
        ...blank,
        ...fields,
        id: ids.address++,
        shippingMethod: shipping_method ?? '',
        costExUnits: 0,
        costIncUnits: 0,
        formFields: form_fields ?? [],
        refundedUnits: 0,
      });
      continue;
    }
    const address = order.shipping.find((s) => s.id === id) ?? fail(`The field 'shipping_addresses.${i}.id' names shipping address ${id}, which is not on order ${order.id}.`);
    Object.assign(address, fields);
    if (shipping_method !== undefined) address.shippingMethod = shipping_method;
    if (form_fields) address.formFields = form_fields;
  }
  if (body.products) applyLineChanges(ctx, order, body.products, ids);

  const taxRate = ctx.settings.taxRate;
  const money = (v: string | number | undefined) => (v === undefined ? undefined : parseMoneyInput(v));
  const shipEx = money(body.shipping_cost_ex_tax);
  const shipInc = money(body.shipping_cost_inc_tax);
  if (shipEx !== undefined || shipInc !== undefined) {
    const first = order.shipping[0] ?? fail('The order has no shipping address to charge shipping on.');
    first.costExUnits = shipEx ?? Math.round(shipInc! / (1 + taxRate));
    first.costIncUnits = shipInc ?? first.costExUnits + roundToCents(first.costExUnits * taxRate);
  }
  const handEx = money(body.handling_cost_ex_tax);
  const handInc = money(body.handling_cost_inc_tax);
  if (handEx !== undefined || handInc !== undefined) {
    order.handlingExUnits = handEx ?? Math.round(handInc! / (1 + taxRate));
    order.handlingIncUnits = handInc ?? order.handlingExUnits + roundToCents(order.handlingExUnits * taxRate);
  }
  const discount = money(body.discount_amount);
  if (discount !== undefined) {
    for (const l of order.lines) l.discounts = l.discounts.filter((d) => d.id !== 'manual-discount');
    const discountable = order.lines.filter((l) => l.type !== 'giftcertificate');
    distribute(discountable, discount).forEach((share, i) => {
      if (share > 0) discountable[i]!.discounts.push({ id: 'manual-discount', name: 'Manual Discount', code: null, target: 'order', units: share, isCoupon: false });
    });
  }
  if (body.fees !== undefined) {
    // "Fees ... follow standard PUT semantics": those left out are deleted; an id must be the order's.
    const unknown = body.fees.find((f) => f.id !== undefined && !(order.fees ?? []).some((e) => e.id === f.id));
    if (unknown) fail(`The fee with ID ${unknown.id} does not exist on order ${order.id}.`);
    order.fees = feesFrom(body.fees, order.fees ?? []);
  }
  if (body.staff_notes !== undefined) order.staffNotes = body.staff_notes;
  if (body.customer_message !== undefined) order.customerMessage = body.customer_message;
  if (body.external_order_id !== undefined) order.externalOrderId = body.external_order_id;
  if (body.external_source !== undefined) order.externalSource = body.external_source;
  if (body.payment_method !== undefined) {
    order.paymentMethod = body.payment_method;
    order.payment = paymentFor(body.payment_method);
  }
  if (body.payment_provider_id !== undefined) order.paymentProviderId = String(body.payment_provider_id);
  if (body.channel_id !== undefined) order.channelId = body.channel_id;
  if (body.customer_locale !== undefined) order.customerLocale = body.customer_locale;
  if (body.ip_address !== undefined) order.ipAddress = body.ip_address;
  if (body.order_source !== undefined) order.orderSource = body.order_source;
  if (body.date_created !== undefined) order.createdMs = parseDateInput(body.date_created) ?? fail(`The field 'date_created' is invalid: expected an RFC-2822 date.`);
  // "When set to true in a PUT request, it has the same result as the DELETE an order request."
  if (body.is_deleted !== undefined) order.isDeleted = body.is_deleted;

  // New tracked lines take their stock where orders take it.
  for (const l of order.lines) {
    if (!current.lines.some((c) => c.id === l.id) && l.productId !== 0 && l.variantId !== null && ctx.data.products[String(l.productId)]?.inventory_tracking !== 'none') {
      l.stockLocationId = ctx.settings.orderStockLocationId;
    }
  }
  const changes = stockDelta(current.lines, order.lines);
  const problem = stockProblem(ctx.data, changes);
  if (problem) fail(problem);

  const changed = JSON.stringify(order) !== JSON.stringify(current);
  if (!changed) return { order: current, changed: false };
  ctx.data.nextIds.orderProduct = ids.line;
  ctx.data.nextIds.orderAddress = ids.address;
  ctx.data.orders[String(order.id)] = order;
  orderChanged(ctx, order, current.statusId);
  if (order.isDeleted && !current.isDeleted) ctx.emit('store/order/archived', { type: 'order', id: order.id });
  if (changes.length) applyStockChanges(ctx, changes, 'relative', 'order');
  return { order, changed: true };
}
