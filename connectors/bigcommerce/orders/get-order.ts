import { z } from 'zod';
import type { Address, BcOrder, OrderFee, OrderLine, OrderLineKind, ShippingDestination } from '../../../domain/orders/order';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';
import { bcMoney, bcRfc2822Date, nullableString } from '../schemas';

/**
 * What every order read side-loads (`include` is a comma-separated list: style form, explode
 * false): lines inside their consignments, and fees. Every read must ask for both, or an order's
 * fees would be missing from what goes to the ERP.
 */
export const ORDER_READ_QUERY = { include: 'consignments.line_items,fees', consignment_structure: 'object' } as const;

// --- BigCommerce's shape (orders.v2.oas2.yml: order_Resp, orderProducts, shippingConsignment_Get) ---

const bcAddress = z.object({
  first_name: nullableString,
  last_name: nullableString,
  company: nullableString,
  street_1: nullableString,
  street_2: nullableString,
  city: nullableString,
  state: nullableString,
  zip: nullableString,
  country_iso2: nullableString,
  phone: nullableString,
  email: nullableString,
});

const bcOrderProduct = z.object({
  id: z.number().int(),
  product_id: z.number().int(),
  variant_id: z.number().int().nullish(),
  sku: nullableString,
  // physical | digital | giftcertificate (orderProducts); anything else ships, to be safe.
  type: nullableString,
  name: z.string(),
  quantity: z.number().int(),
  price_ex_tax: bcMoney,
  total_ex_tax: bcMoney,
  total_tax: bcMoney,
});

const bcShippingConsignment = bcAddress.extend({
  id: z.number().int(),
  shipping_method: nullableString,
  // Without `include=consignments.line_items` these are {url, resource} links: we always ask for
  // the expanded form, so a link here means the request was built wrong.
  line_items: z.array(bcOrderProduct).default([]),
});

const linesOnly = z.object({ line_items: z.array(bcOrderProduct).default([]) });

const bcConsignmentsObject = z.object({
  shipping: z.array(bcShippingConsignment).default([]),
  pickups: z.array(linesOnly).default([]),
  downloads: z.array(linesOnly).default([]),
  // Gift certificates travel by email, one consignment each (orderConsignment_Get: email).
  email: z.object({ gift_certificates: z.array(linesOnly).default([]) }).default({ gift_certificates: [] }),
});

// orderFees_Resp. Quirk: the spec's own GET /fees example spells `cost_exc_tax` once; accept both.
const bcFee = z
  .object({
    id: z.number().int(),
    display_name_merchant: nullableString,
    display_name_customer: nullableString,
    cost_ex_tax: bcMoney.optional(),
    cost_exc_tax: bcMoney.optional(),
    cost_inc_tax: bcMoney,
  })
  .transform((f, ctx): OrderFee | never => {
    const ex = f.cost_ex_tax ?? f.cost_exc_tax;
    if (ex === undefined) {
      ctx.addIssue({ code: 'custom', message: `fee ${f.id} has no cost_ex_tax` });
      return z.NEVER;
    }
    return { id: f.id, name: f.display_name_merchant || f.display_name_customer, costExTax: ex, costIncTax: f.cost_inc_tax };
  });

export const bcOrderV2Schema = z.object({
  id: z.number().int(),
  customer_id: z.number().int(),
  date_created: bcRfc2822Date,
  date_modified: bcRfc2822Date,
  status_id: z.number().int().min(0).max(14),
  status: z.string(),
  payment_status: nullableString,
  payment_method: nullableString,
  currency_code: z.string(),
  subtotal_ex_tax: bcMoney,
  shipping_cost_ex_tax: bcMoney,
  handling_cost_ex_tax: bcMoney,
  wrapping_cost_ex_tax: bcMoney,
  discount_amount: bcMoney,
  total_tax: bcMoney,
  total_ex_tax: bcMoney.optional(),
  total_inc_tax: bcMoney,
  store_credit_amount: bcMoney.default('0'),
  gift_certificate_amount: bcMoney.default('0'),
  // Present with `include=fees`: an array of fees (a {url, resource} link otherwise).
  fees: z.array(bcFee).default([]),
  customer_message: nullableString,
  is_deleted: z.boolean().default(false),
  billing_address: bcAddress,
  // Since 2025-08-17 `consignment_structure=object` returns an object; older stores and the
  // default structure return a one-element array. Accept both (FACTS.md section 6).
  consignments: z.union([bcConsignmentsObject, z.array(bcConsignmentsObject).max(1)]),
});
export type BcOrderV2 = z.output<typeof bcOrderV2Schema>;

// --- our model ---

const toAddress = (a: z.output<typeof bcAddress>): Address => ({
  firstName: a.first_name,
  lastName: a.last_name,
  company: a.company,
  street1: a.street_1,
  street2: a.street_2,
  city: a.city,
  state: a.state,
  zip: a.zip,
  countryIso2: a.country_iso2,
  phone: a.phone,
  email: a.email,
});

const KINDS: Record<string, OrderLineKind> = { physical: 'physical', digital: 'digital', giftcertificate: 'giftCertificate' };

const toLine = (p: z.output<typeof bcOrderProduct>): OrderLine => ({
  id: p.id,
  kind: KINDS[p.type] ?? 'physical',
  productId: p.product_id,
  variantId: p.variant_id ?? null,
  sku: p.sku,
  name: p.name,
  quantity: p.quantity,
  unitPriceExTax: p.price_ex_tax,
  totalExTax: p.total_ex_tax,
  totalTax: p.total_tax,
});

export function toBcOrder(raw: BcOrderV2): BcOrder {
  const consignments = Array.isArray(raw.consignments) ? (raw.consignments[0] ?? { shipping: [], pickups: [], downloads: [], email: { gift_certificates: [] } }) : raw.consignments;
  const shipping: ShippingDestination[] = consignments.shipping.map((c) => ({
    id: c.id,
    address: toAddress(c),
    method: c.shipping_method,
    lineIds: c.line_items.map((l) => l.id),
  }));
  const lines = new Map<number, OrderLine>();
  // Every consignment carries lines: a line missed here is money missing in the ERP (gift
  // certificates once were), which the ERP total check after each write would catch.
  for (const group of [...consignments.shipping, ...consignments.pickups, ...consignments.downloads, ...consignments.email.gift_certificates]) {
    for (const item of group.line_items) lines.set(item.id, toLine(item));
  }
  return {
    id: raw.id,
    statusId: raw.status_id,
    status: raw.status,
    paymentStatus: raw.payment_status,
    paymentMethod: raw.payment_method,
    customerId: raw.customer_id,
    currency: raw.currency_code,
    dateCreated: raw.date_created,
    dateModified: raw.date_modified,
    billingAddress: toAddress(raw.billing_address),
    shipping,
    lines: [...lines.values()].sort((a, b) => a.id - b.id),
    subtotalExTax: raw.subtotal_ex_tax,
    shippingExTax: raw.shipping_cost_ex_tax,
    handlingExTax: raw.handling_cost_ex_tax,
    wrappingExTax: raw.wrapping_cost_ex_tax,
    discount: raw.discount_amount,
    totalTax: raw.total_tax,
    totalIncTax: raw.total_inc_tax,
    ...(raw.total_ex_tax !== undefined ? { totalExTax: raw.total_ex_tax } : {}),
    fees: raw.fees,
    storeCreditPaid: raw.store_credit_amount,
    giftCertificatePaid: raw.gift_certificate_amount,
    customerMessage: raw.customer_message,
    isDeleted: raw.is_deleted,
  };
}

/**
 * One call for the whole order: lines come expanded inside the consignments, so neither
 * /products nor /shipping_addresses is needed (FACTS.md section 6, "Fewest calls").
 * https://developer.bigcommerce.com/docs/rest-management/orders#get-an-order
 */
export interface OrderSnapshot {
  order: BcOrder;
  /**
   * BigCommerce's clock when it answered, Unix seconds. Every change made in an earlier second is in
   * `order`, so an event whose `created_at` is earlier than this needs no new read.
   */
  readAtS: number;
}

export async function getOrder(client: BigCommerceClient, orderId: number, opts: { signal?: AbortSignal; priority?: number } = {}): Promise<BcOrder> {
  return (await getOrderSnapshot(client, orderId, opts)).order;
}

export async function getOrderSnapshot(client: BigCommerceClient, orderId: number, opts: { signal?: AbortSignal; priority?: number } = {}): Promise<OrderSnapshot> {
  const res = await client.request(
    {
      method: 'GET',
      path: `/v2/orders/${orderId}`,
      route: '/v2/orders/{id}',
      query: ORDER_READ_QUERY,
      signal: opts.signal,
      priority: opts.priority,
    },
    bcOrderV2Schema,
  );
  if (!res.data) {
    throw new BigCommerceError('bad_response', `GET /v2/orders/${orderId} answered ${res.status} with no body`, {
      status: res.status,
    });
  }
  // Without a Date header, the read counts as of the second before now: never too new.
  return { order: toBcOrder(res.data), readAtS: res.serverTimeS ?? Math.floor(Date.now() / 1000) - 1 };
}
