import { rfc2822, v2Money } from './format';
import { statusName } from './order-statuses';
import { feesOf, serializeFee } from './order-fees';
import { itemsShipped, itemsTotal, lineTotals, orderTotals } from './order-totals';
import type { SandboxAddress, SandboxOrder, SandboxOrderLine, SandboxShippingAddress } from './state';

export { orderTotals } from './order-totals';

const link = (base: string, resource: string) => ({ url: `${base}${resource}`, resource });

/** An order product (orders.v2.oas2.yml: orderProducts, which allows no other properties). */
export function serializeLine(o: SandboxOrder, l: SandboxOrderLine) {
  const t = lineTotals(l);
  const tax = l.priceIncUnits - l.priceExUnits;
  const [optionName, optionValue] = l.optionLabel ? [l.optionLabel.split(': ')[0]!, l.optionLabel.split(': ')[1] ?? ''] : ['', ''];
  return {
    id: l.id,
    order_id: o.id,
    product_id: l.productId,
    // orderProducts types variant_id as a plain integer: custom lines and gift certificates carry 0.
    variant_id: l.variantId ?? 0,
    order_pickup_method_id: 0,
    order_address_id: l.orderAddressId,
    name: l.name,
    name_customer: l.name,
    name_merchant: l.nameMerchant,
    sku: l.sku,
    upc: l.upc,
    type: l.type,
    base_price: v2Money(l.priceExUnits),
    price_ex_tax: v2Money(l.priceExUnits),
    price_inc_tax: v2Money(l.priceIncUnits),
    price_tax: v2Money(tax),
    base_total: v2Money(t.totalEx),
    total_ex_tax: v2Money(t.totalEx),
    total_inc_tax: v2Money(t.totalInc),
    total_tax: v2Money(t.totalTax),
    weight: l.weight.toFixed(4),
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    quantity: l.quantity,
    base_cost_price: '0.0000',
    cost_price_inc_tax: '0.0000',
    cost_price_ex_tax: '0.0000',
    cost_price_tax: '0.0000',
    // The sandbox marks a line refunded once all of its units are (BigCommerce does not document it).
    is_refunded: l.quantityRefunded > 0 && l.quantityRefunded >= l.quantity,
    quantity_refunded: l.quantityRefunded,
    refund_amount: v2Money(l.refundedUnits),
    return_id: 0,
    wrapping_id: l.wrapping ? 1 : 0,
    wrapping_name: l.wrapping?.name ?? '',
    base_wrapping_cost: v2Money(l.wrapping?.exUnits ?? 0),
    wrapping_cost_ex_tax: v2Money(l.wrapping?.exUnits ?? 0),
    wrapping_cost_inc_tax: v2Money(l.wrapping?.incUnits ?? 0),
    wrapping_cost_tax: v2Money((l.wrapping?.incUnits ?? 0) - (l.wrapping?.exUnits ?? 0)),
    wrapping_message: l.wrapping?.message ?? '',
    quantity_shipped: l.quantityShipped,
    event_name: null,
    event_date: null,
    fixed_shipping_cost: '0.0000',
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    brand: '',
    applied_discounts: l.discounts.map((d) => ({ id: d.id, amount: v2Money(d.units), name: d.name, code: d.code, target: d.target })),
    product_options: l.optionLabel
      ? [
          {
            id: l.id,
            option_id: 50,
            order_product_id: l.id,
            product_option_id: 50,
            display_name: optionName,
            display_name_customer: optionName,
            display_name_merchant: optionName,
            display_value: optionValue,
            display_value_customer: optionValue,
            display_value_merchant: optionValue,
            value: optionValue,
            type: 'Multiple choice',
            name: optionName,
            display_style: 'Rectangle',
          },
        ]
      : [],
    configurable_fields: [],
    gift_certificate_id: l.giftCertificate?.id ?? null,
    discounted_total_inc_tax: v2Money(t.discountedTotalInc),
  };
}

export const addressFields = (a: SandboxAddress) => ({
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

const linesTo = (o: SandboxOrder, s: SandboxShippingAddress) => o.lines.filter((l) => l.orderAddressId === s.id);

/** GET /v2/orders/{id}/shipping_addresses[/{id}] (orderShippingAddress): money as 4-decimal strings. */
export function serializeShippingAddress(o: SandboxOrder, s: SandboxShippingAddress, base: string) {
  const lines = linesTo(o, s);
  return {
    id: s.id,
    order_id: o.id,
    ...addressFields(s),
    items_total: lines.reduce((n, l) => n + l.quantity, 0),
    items_shipped: lines.reduce((n, l) => n + l.quantityShipped, 0),
    shipping_method: s.shippingMethod,
    base_cost: v2Money(s.costExUnits),
    cost_ex_tax: v2Money(s.costExUnits),
    cost_inc_tax: v2Money(s.costIncUnits),
    cost_tax: v2Money(s.costIncUnits - s.costExUnits),
    cost_tax_class_id: 0,
    base_handling_cost: '0.0000',
    handling_cost_ex_tax: '0.0000',
    handling_cost_inc_tax: '0.0000',
    handling_cost_tax: '0.0000',
    handling_cost_tax_class_id: 0,
    shipping_zone_id: 1,
    shipping_zone_name: 'United States',
    shipping_quotes: link(base, `/orders/${o.id}/shipping_addresses/${s.id}/shipping_quotes`),
    form_fields: s.formFields,
  };
}

/** A shipping consignment (shippingConsignment_Get): costs are numbers here, unlike the order's strings. */
function serializeShippingConsignment(o: SandboxOrder, s: SandboxShippingAddress, base: string, expandLines: boolean) {
  const lines = linesTo(o, s);
  return {
    id: s.id,
    ...addressFields(s),
    form_fields: s.formFields,
    line_items: lineItems(o, lines, base, expandLines),
    items_total: lines.reduce((n, l) => n + l.quantity, 0),
    items_shipped: lines.reduce((n, l) => n + l.quantityShipped, 0),
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

const lineItems = (o: SandboxOrder, lines: SandboxOrderLine[], base: string, expand: boolean) =>
  expand ? lines.map((l) => serializeLine(o, l)) : lines.map((l) => link(base, `/orders/${o.id}/products/${l.id}`));

/**
 * orderConsignment_Get: shipping destinations, one `downloads` entry for all digital lines (the
 * spec allows at most one, sent to the billing email), and one email consignment per gift
 * certificate. `line_items` are arrays, as the schema says (the spec's digital and gift
 * certificate examples show a single object, which contradicts it).
 */
export function serializeConsignments(o: SandboxOrder, base: string, expandLines: boolean) {
  const digital = o.lines.filter((l) => l.type === 'digital');
  return {
    pickups: [],
    shipping: o.shipping.map((s) => serializeShippingConsignment(o, s, base, expandLines)),
    downloads: digital.length ? [{ recipient_email: o.billing.email, line_items: lineItems(o, digital, base, expandLines) }] : [],
    email: {
      gift_certificates: o.lines
        .filter((l) => l.type === 'giftcertificate')
        .map((l) => ({ recipient_email: l.giftCertificate?.recipientEmail ?? o.billing.email, line_items: lineItems(o, [l], base, expandLines) })),
    },
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
  const body: Record<string, unknown> = {
    id: o.id,
    customer_id: o.customerId,
    date_created: rfc2822(o.createdMs),
    date_modified: rfc2822(o.modifiedMs),
    date_shipped: o.shippedMs === null ? '' : rfc2822(o.shippedMs),
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
    base_wrapping_cost: v2Money(t.wrappingEx),
    wrapping_cost_ex_tax: v2Money(t.wrappingEx),
    wrapping_cost_inc_tax: v2Money(t.wrappingInc),
    wrapping_cost_tax: v2Money(t.wrappingInc - t.wrappingEx),
    wrapping_cost_tax_class_id: 0,
    total_ex_tax: v2Money(t.totalEx),
    total_inc_tax: v2Money(t.totalInc),
    total_tax: v2Money(t.totalTax),
    is_tax_inclusive_pricing: false,
    items_total: itemsTotal(o),
    items_shipped: itemsShipped(o),
    payment_method: o.paymentMethod,
    payment_provider_id: o.paymentProviderId,
    payment_status: o.paymentStatus,
    refunded_amount: v2Money(o.refundedUnits),
    order_is_digital: o.lines.every((l) => l.type !== 'physical'),
    store_credit_amount: v2Money(o.storeCreditUnits ?? 0),
    gift_certificate_amount: v2Money(o.giftCertificateRedeemedUnits ?? 0),
    ip_address: o.ipAddress,
    ip_address_v6: '',
    geoip_country: '',
    geoip_country_iso2: '',
    currency_id: 1,
    currency_code: o.currency,
    currency_exchange_rate: '1.0000000000',
    default_currency_id: 1,
    default_currency_code: o.currency,
    store_default_currency_code: 'USD',
    store_default_to_transactional_exchange_rate: '1.0000000000',
    staff_notes: o.staffNotes,
    customer_message: o.customerMessage,
    discount_amount: v2Money(t.discount),
    coupon_discount: v2Money(t.couponDiscount),
    shipping_address_count: o.shipping.length,
    is_deleted: o.isDeleted,
    ebay_order_id: '0',
    cart_id: o.cartId,
    billing_address: { ...addressFields(o.billing), form_fields: o.billingFormFields },
    is_email_opt_in: false,
    credit_card_type: null,
    order_source: o.orderSource,
    channel_id: o.channelId,
    external_source: o.externalSource,
    external_id: null,
    external_merchant_id: null,
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: o.customerLocale,
    external_order_id: o.externalOrderId ?? '',
    products: link(opts.base, `/orders/${o.id}/products`),
    shipping_addresses: link(opts.base, `/orders/${o.id}/shipping_addresses`),
    coupons: link(opts.base, `/orders/${o.id}/coupons`),
  };
  const wantsLines = opts.include.has('consignments.line_items');
  if (wantsLines || opts.include.has('consignments')) {
    const consignments = serializeConsignments(o, opts.base, wantsLines);
    // Without consignment_structure=object BigCommerce still answers with the legacy one-element array.
    body.consignments = opts.consignmentStructureObject ? consignments : [consignments];
  } else {
    body.consignments = link(opts.base, `/orders/${o.id}/consignments`);
  }
  if (opts.include.has('fees')) body.fees = feesOf(o).map(serializeFee);
  return body;
}
