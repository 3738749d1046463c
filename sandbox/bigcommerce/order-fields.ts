import type { z } from 'zod';

/**
 * Which order fields a POST or PUT may carry. BigCommerce answers a write to a read-only field
 * with 400 "The field 'item_total' cannot be written to. Please remove it from your request before
 * trying again." (FACTS.md section 5; orders.v2.oas2.yml, 400 of PUT shipping_addresses/{id}).
 * The read-only set is order_RespOnly plus the fields the spec marks "read-only" or that are
 * derived (`items_total`, `items_shipped`, `refunded_amount`, `order_is_digital`).
 */
export const READ_ONLY_ORDER_FIELDS = new Set([
  'id',
  'date_modified',
  'date_shipped',
  'cart_id',
  'status',
  'custom_status',
  'subtotal_tax',
  'shipping_cost_tax',
  'shipping_cost_tax_class_id',
  'handling_cost_tax',
  'handling_cost_tax_class_id',
  'wrapping_cost_tax',
  'wrapping_cost_tax_class_id',
  'payment_status',
  'store_credit_amount',
  'gift_certificate_amount',
  'currency_id',
  'currency_code',
  'currency_exchange_rate',
  'default_currency_id',
  'store_default_currency_code',
  'store_default_to_transactional_exchange_rate',
  'coupon_discount',
  'shipping_address_count',
  'total_tax',
  'is_email_opt_in',
  'is_tax_inclusive_pricing',
  'credit_card_type',
  'external_id',
  'tax_provider_id',
  'items_total',
  'items_shipped',
  'refunded_amount',
  'order_is_digital',
  'coupons',
]);

/**
 * Fields the spec accepts that the sandbox does not model. Rejected loudly rather than ignored, so
 * nobody believes a test exercised them (sandbox/README.md lists them).
 */
export const NOT_SIMULATED_ORDER_FIELDS = new Set([
  'base_handling_cost',
  'base_shipping_cost',
  'base_wrapping_cost',
  'wrapping_cost_ex_tax',
  'wrapping_cost_inc_tax',
  'subtotal_ex_tax',
  'subtotal_inc_tax',
  'total_ex_tax',
  'total_inc_tax',
  'ebay_order_id',
  'consignments',
  'external_merchant_id',
  'geoip_country',
  'geoip_country_iso2',
  'ip_address_v6',
]);

export const readOnlyMessage = (field: string) => `The field '${field}' cannot be written to. Please remove it from your request before trying again.`;

/** The first field of a request body that cannot be written, as a V2 error message. */
export function unwritableField(body: Record<string, unknown>, readOnly: ReadonlySet<string> = READ_ONLY_ORDER_FIELDS): string | undefined {
  for (const key of Object.keys(body)) {
    if (readOnly.has(key)) return readOnlyMessage(key);
    if (NOT_SIMULATED_ORDER_FIELDS.has(key)) return `The field '${key}' is not simulated by the BigCommerce sandbox. Please remove it from your request.`;
  }
  return undefined;
}

/** A zod failure as BigCommerce's V2 400 message, naming the field. */
export function zodMessage(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  if (issue?.code === 'unrecognized_keys') {
    const key = [path, issue.keys[0]].filter(Boolean).join('.');
    return `The field '${key}' is not a valid field for this request.`;
  }
  return `The field '${path || 'body'}' is invalid: ${issue?.message ?? 'invalid value'}`;
}
