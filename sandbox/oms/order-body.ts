import { z } from 'zod';
import type { ModelState } from './errors';

/**
 * The Order model as `POST /orders/createorder` accepts it (the V1 docs' Order model and the
 * create/update order page): `orderNumber` (<= 50 chars), `orderDate`, `orderStatus`, `billTo` and
 * `shipTo` are required; everything else is optional and, since updates are not partial, an
 * omitted field is cleared on update. Unknown members are ignored, as ASP.NET's binder does.
 */
const text = z.string().nullish();
const money = z.number().nullish();

export const addressBody = z
  .object({
    name: text,
    company: text,
    street1: text,
    street2: text,
    street3: text,
    city: text,
    state: text,
    postalCode: text,
    country: text,
    phone: text,
    residential: z.boolean().nullish(),
  })
  .loose();

const weightBody = z.object({ value: z.number().nonnegative(), units: z.enum(['pounds', 'ounces', 'grams']) }).loose();

const itemBody = z
  .object({
    lineItemKey: text,
    sku: text,
    name: text,
    imageUrl: text,
    weight: weightBody.nullish(),
    quantity: z.number().int().nonnegative(),
    unitPrice: money,
    taxAmount: money,
    shippingAmount: money,
    warehouseLocation: text,
    options: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
    productId: z.number().int().nullish(),
    fulfillmentSku: text,
    adjustment: z.boolean().nullish(),
    upc: text,
  })
  .loose();

/** The statuses a client may send (the create/update page lists these five). */
export const WRITABLE_STATUSES = ['awaiting_payment', 'awaiting_shipment', 'shipped', 'on_hold', 'cancelled'] as const;

export const orderBody = z
  .object({
    orderNumber: z.string().min(1).max(50, 'The field orderNumber must be a string with a maximum length of 50.'),
    orderKey: z.string().min(1).max(255).nullish(),
    orderDate: z.string(),
    paymentDate: text,
    shipByDate: text,
    orderStatus: z.enum(WRITABLE_STATUSES),
    customerUsername: text,
    customerEmail: text,
    billTo: addressBody,
    shipTo: addressBody,
    items: z.array(itemBody).nullish(),
    amountPaid: money,
    taxAmount: money,
    shippingAmount: money,
    customerNotes: text,
    internalNotes: text,
    gift: z.boolean().nullish(),
    giftMessage: text,
    paymentMethod: text,
    requestedShippingService: text,
    carrierCode: text,
    serviceCode: text,
    packageCode: text,
    confirmation: text,
    shipDate: text,
    weight: weightBody.nullish(),
    dimensions: z.record(z.string(), z.unknown()).nullish(),
    advancedOptions: z.object({ storeId: z.number().int().nullish(), customField1: text, customField2: text, customField3: text, source: text }).loose().nullish(),
  })
  .loose();

export type OrderBody = z.output<typeof orderBody>;
export type AddressBody = z.output<typeof addressBody>;

/** zod issues -> ASP.NET's ModelState, keyed like the binder keys them (`order.shipTo.city`). */
export function toModelState(error: z.ZodError, prefix = 'order'): ModelState {
  const state: ModelState = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.');
    const key = field ? `${prefix}.${field}` : prefix;
    const last = String(issue.path[issue.path.length - 1] ?? prefix);
    const message = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? `The ${last} field is required.` : issue.message;
    const messages = state[key] ?? [];
    messages.push(message);
    state[key] = messages;
  }
  return state;
}
