import { rfc2822, v2Money } from './format';
import { statusName } from './order-statuses';
import type { SandboxOrder, SandboxOrderLine, SandboxShippingAddress } from './state';

/** Totals as BigCommerce derives them from lines, shipping, handling and the order discount. */
export function orderTotals(o: SandboxOrder) {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const subtotalEx = sum(o.lines.map((l) => l.priceExUnits * l.quantity));
  const subtotalInc = sum(o.lines.map((l) => l.priceIncUnits * l.quantity));
  const shippingEx = sum(o.shipping.map((s) => s.costExUnits));
  const shippingInc = sum(o.shipping.map((s) => s.costIncUnits));
  const totalTax = subtotalInc - subtotalEx + (shippingInc - shippingEx) + (o.handlingIncUnits - o.handlingExUnits);
  const totalEx = subtotalEx + shippingEx + o.handlingExUnits - o.discountUnits;
  return { subtotalEx, subtotalInc, shippingEx, shippingInc, totalTax, totalEx, totalInc: totalEx + totalTax };
}

const link = (base: string, resource: string) => ({ url: `${base}${resource}`, resource });

/** An order product (orders.v2.oas2.yml: orderProducts). */
export function serializeLine(o: SandboxOrder, l: SandboxOrderLine) {
  const tax = l.priceIncUnits - l.priceExUnits;
  return {
    id: l.id,
    order_id: o.id,
    product_id: l.productId,
    variant_id: l.variantId,
    order_pickup_method_id: 0,
    order_address_id: l.orderAddressId,
    name: l.name,
    name_customer: l.name,
    name_merchant: l.name,
    sku: l.sku,
    upc: '',
    type: l.type,
    base_price: v2Money(l.priceExUnits),
    price_ex_tax: v2Money(l.priceExUnits),
    price_inc_tax: v2Money(l.priceIncUnits),
    price_tax: v2Money(tax),
    base_total: v2Money(l.priceExUnits * l.quantity),
    total_ex_tax: v2Money(l.priceExUnits * l.quantity),
    total_inc_tax: v2Money(l.priceIncUnits * l.quantity),
    total_tax: v2Money(tax * l.quantity),
    weight: l.weight.toFixed(4),
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    quantity: l.quantity,
    base_cost_price: '0.0000',
    cost_price_inc_tax: '0.0000',
    cost_price_ex_tax: '0.0000',
    cost_price_tax: '0.0000',
    is_refunded: l.quantityRefunded > 0,
    quantity_refunded: l.quantityRefunded,
    refund_amount: v2Money(l.refundedUnits),
    return_id: 0,
    wrapping_id: 0,
    wrapping_name: '',
    base_wrapping_cost: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    wrapping_cost_inc_tax: '0.0000',
    wrapping_cost_tax: '0.0000',
    wrapping_message: '',
    quantity_shipped: l.quantityShipped,
    event_name: null,
    event_date: '',
    fixed_shipping_cost: '0.0000',
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    brand: '',
    applied_discounts: [],
    product_options: l.optionLabel
      ? [{ id: l.id, option_id: 1, order_product_id: l.id, product_option_id: 1, display_name: l.optionLabel.split(': ')[0], display_value: l.optionLabel.split(': ')[1] ?? '', value: l.optionLabel, type: 'Multiple choice', name: l.optionLabel, display_style: '' }]
      : [],
    configurable_fields: [],
    gift_certificate_id: null,
    discounted_total_inc_tax: v2Money(l.priceIncUnits * l.quantity),
  };
}

const addressFields = (a: SandboxShippingAddress | SandboxOrder['billing']) => ({
  first_name: a.first_name,
  last_name: a.last_name,
  company: a.company,
  street_1: a.street_1,
  street_2: a.street_2,
  city: a.city,
  state: a.state,
  zip: a.zip,
  country: a.country,
  country_iso2: a.country_iso2,
  phone: a.phone,
  email: a.email,
});

/** A shipping consignment (shippingConsignment_Get): costs are numbers here, unlike the order's strings. */
function serializeShippingConsignment(o: SandboxOrder, s: SandboxShippingAddress, base: string, expandLines: boolean) {
  const lines = o.lines.filter((l) => l.orderAddressId === s.id);
  return {
    id: s.id,
    ...addressFields(s),
    form_fields: [],
    line_items: expandLines ? lines.map((l) => serializeLine(o, l)) : lines.map((l) => link(base, `/orders/${o.id}/products/${l.id}`)),
    items_total: lines.reduce((n, l) => n + l.quantity, 0),
    items_shipped: 0,
    shipping_method: s.shippingMethod,
    base_cost: s.costExUnits / 10_000,
    cost_ex_tax: s.costExUnits / 10_000,
    cost_inc_tax: s.costIncUnits / 10_000,
    cost_tax: (s.costIncUnits - s.costExUnits) / 10_000,
    cost_tax_class_id: 0,
    base_handling_cost: 0,
    handling_cost_ex_tax: 0,
    handling_cost_inc_tax: 0,
    handling_cost_tax: 0,
    handling_cost_tax_class_id: 0,
    shipping_zone_id: 1,
    shipping_zone_name: 'United States',
    shipping_quotes: link(base, `/orders/${o.id}/consignments/shipping/${s.id}/shipping_quotes`),
  };
}

export interface SerializeOptions {
  /** https://host/stores/<hash>/v2 */
  base: string;
  include: ReadonlySet<string>;
  consignmentStructureObject: boolean;
}

/** GET /v2/orders/{id} (orders.v2.oas2.yml: order_Resp), with the `include` side-loads. */
export function serializeOrder(o: SandboxOrder, opts: SerializeOptions) {
  const t = orderTotals(o);
  const itemsTotal = o.lines.reduce((n, l) => n + l.quantity, 0);
  const body: Record<string, unknown> = {
    id: o.id,
    customer_id: o.customerId,
    date_created: rfc2822(o.createdMs),
    date_modified: rfc2822(o.modifiedMs),
    date_shipped: '',
    status_id: o.statusId,
    status: statusName(o.statusId),
    custom_status: statusName(o.statusId),
    subtotal_ex_tax: v2Money(t.subtotalEx),
    subtotal_inc_tax: v2Money(t.subtotalInc),
    subtotal_tax: v2Money(t.subtotalInc - t.subtotalEx),
    base_shipping_cost: v2Money(t.shippingEx),
    shipping_cost_ex_tax: v2Money(t.shippingEx),
    shipping_cost_inc_tax: v2Money(t.shippingInc),
    shipping_cost_tax: v2Money(t.shippingInc - t.shippingEx),
    shipping_cost_tax_class_id: 0,
    base_handling_cost: v2Money(o.handlingExUnits),
    handling_cost_ex_tax: v2Money(o.handlingExUnits),
    handling_cost_inc_tax: v2Money(o.handlingIncUnits),
    handling_cost_tax: v2Money(o.handlingIncUnits - o.handlingExUnits),
    handling_cost_tax_class_id: 0,
    base_wrapping_cost: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    wrapping_cost_inc_tax: '0.0000',
    wrapping_cost_tax: '0.0000',
    wrapping_cost_tax_class_id: 0,
    total_ex_tax: v2Money(t.totalEx),
    total_inc_tax: v2Money(t.totalInc),
    total_tax: v2Money(t.totalTax),
    is_tax_inclusive_pricing: false,
    items_total: itemsTotal,
    items_shipped: 0,
    payment_method: o.paymentMethod,
    payment_provider_id: '',
    payment_status: o.paymentStatus,
    refunded_amount: '0.0000',
    order_is_digital: false,
    store_credit_amount: '0.0000',
    gift_certificate_amount: '0.0000',
    ip_address: '',
    ip_address_v6: '',
    geoip_country: '',
    geoip_country_iso2: '',
    currency_id: 1,
    currency_code: o.currency,
    currency_exchange_rate: '1.0000000000',
    default_currency_id: 1,
    default_currency_code: o.currency,
    store_default_currency_code: o.currency,
    store_default_to_transactional_exchange_rate: '1.0000000000',
    staff_notes: o.staffNotes,
    customer_message: o.customerMessage,
    discount_amount: v2Money(o.discountUnits),
    coupon_discount: '0.0000',
    shipping_address_count: o.shipping.length,
    is_deleted: o.isDeleted,
    ebay_order_id: '0',
    cart_id: '',
    billing_address: { ...addressFields(o.billing), form_fields: [] },
    is_email_opt_in: false,
    credit_card_type: null,
    order_source: o.orderSource,
    channel_id: o.channelId,
    external_source: o.externalSource,
    external_id: null,
    external_merchant_id: null,
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    external_order_id: o.externalOrderId ?? '',
    products: link(opts.base, `/orders/${o.id}/products`),
    shipping_addresses: link(opts.base, `/orders/${o.id}/shipping_addresses`),
    coupons: link(opts.base, `/orders/${o.id}/coupons`),
  };
  const wantsLines = opts.include.has('consignments.line_items');
  if (wantsLines || opts.include.has('consignments')) {
    const consignments = {
      pickups: [],
      shipping: o.shipping.map((s) => serializeShippingConsignment(o, s, opts.base, wantsLines)),
      downloads: [],
      email: { gift_certificates: [] },
    };
    // Without consignment_structure=object BigCommerce still answers with the legacy one-element array.
    body.consignments = opts.consignmentStructureObject ? consignments : [consignments];
  } else {
    body.consignments = link(opts.base, `/orders/${o.id}/consignments`);
  }
  if (opts.include.has('fees')) body.fees = [];
  return body;
}
