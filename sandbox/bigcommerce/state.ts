/**
 * The sandbox store's data, kept as plain JSON so `bcsync sandbox --data-dir` and `bcsync dev`
 * can persist it and a restart does not reuse ids that Temporal still remembers.
 *
 * Catalog, customers, locations and price lists are stored in their V3 wire shape (the spec's field
 * names), so serialization is close to identity; orders are stored in our own model because the V2
 * order is mostly derived (totals, statuses, links, consignments).
 */

export interface SandboxAddress {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
}

/** A custom checkout form field on an address (orders.v2.oas2.yml: formFields). */
export interface SandboxFormField {
  name: string;
  value: string | number | string[];
}

export interface SandboxShippingAddress extends SandboxAddress {
  /** The order-address id: consignment id and shipment `order_address_id`. */
  id: number;
  shippingMethod: string;
  costExUnits: number;
  costIncUnits: number;
  formFields: SandboxFormField[];
  /** Shipping already refunded for this address (SHIPPING refund items), ten-thousandths incl. tax. */
  refundedUnits: number;
}

/** A discount on one order line (orderProductAppliedDiscounts); PUT on the line clears them. */
export interface SandboxLineDiscount {
  id: string;
  name: string;
  code: string | null;
  target: 'order' | 'product';
  /** Ex-tax amount for the whole line, ten-thousandths. */
  units: number;
  /** Counted in the order's `coupon_discount` as well as `discount_amount`. */
  isCoupon: boolean;
}

export interface SandboxOrderLine {
  /** The order-product id. */
  id: number;
  /** 0 for custom products and gift certificates. */
  productId: number;
  variantId: number | null;
  /** The shipping address the line ships to; 0 for digital lines and gift certificates. */
  orderAddressId: number;
  name: string;
  nameMerchant: string;
  sku: string;
  upc: string;
  type: 'physical' | 'digital' | 'giftcertificate';
  quantity: number;
  /** Per unit, ten-thousandths. */
  priceExUnits: number;
  priceIncUnits: number;
  weight: number;
  optionLabel: string | null;
  quantityShipped: number;
  quantityRefunded: number;
  refundedUnits: number;
  discounts: SandboxLineDiscount[];
  /** Stock taken for this line at this location (none for untracked products and custom lines). */
  stockLocationId: number | null;
  /** Gift certificates only: who receives it by email (consignments.email.gift_certificates). */
  giftCertificate: { id: number; recipientEmail: string; recipientName: string; message: string } | null;
  /** Gift wrapping chosen for the line at checkout: the line's whole wrapping cost. Absent in data saved before wrapping existed. */
  wrapping?: { name: string; message: string; exUnits: number; incUnits: number; refundedUnits: number } | null;
}

/** An order fee (orderFees_Resp): an order-level charge such as package protection. */
export interface SandboxFee {
  /** Numbered within the order (1, 2, ...), as the spec's examples show. */
  id: number;
  type: 'custom_fee';
  displayNameCustomer: string;
  displayNameMerchant: string;
  source: string;
  costExUnits: number;
  costIncUnits: number;
  taxClassId: number | null;
  refundedUnits?: number;
}

export interface SandboxShipment {
  id: number;
  orderId: number;
  orderAddressId: number;
  createdMs: number;
  trackingNumber: string;
  shippingMethod: string;
  shippingProvider: string;
  trackingCarrier: string;
  trackingLink: string;
  comments: string;
  merchantShippingCostUnits: number;
  items: Array<{ orderProductId: number; productId: number; quantity: number }>;
}

export interface SandboxOrder {
  id: number;
  customerId: number;
  statusId: number;
  createdMs: number;
  modifiedMs: number;
  /** When the order became fully shipped (date_shipped). */
  shippedMs: number | null;
  billing: SandboxAddress;
  billingFormFields: SandboxFormField[];
  shipping: SandboxShippingAddress[];
  lines: SandboxOrderLine[];
  handlingExUnits: number;
  handlingIncUnits: number;
  handlingRefundedUnits: number;
  paymentMethod: string;
  paymentProviderId: string;
  paymentStatus: string;
  currency: string;
  customerMessage: string;
  staffNotes: string;
  externalOrderId: string | null;
  externalSource: string | null;
  channelId: number;
  orderSource: string;
  customerLocale: string;
  ipAddress: string;
  cartId: string;
  isDeleted: boolean;
  /** Sum of refunds (ten-thousandths), whatever was refunded: products, shipping, handling, order amounts. */
  refundedUnits: number;
  shipments: SandboxShipment[];
  /** Where the money came from, for refund quotes: one payment per order in the sandbox. */
  payment: { providerId: string; providerDescription: string; offline: boolean };
  /** Order fees; absent in data saved before fees existed. */
  fees?: SandboxFee[];
  /**
   * Paid with store credit or a redeemed gift certificate (`store_credit_amount`,
   * `gift_certificate_amount`): payments toward `total_inc_tax`, which they do not reduce.
   */
  storeCreditUnits?: number;
  giftCertificateRedeemedUnits?: number;
}

export type RefundItemType = 'PRODUCT' | 'GIFT_WRAPPING' | 'SHIPPING' | 'HANDLING' | 'ORDER' | 'FEE';

export interface SandboxRefund {
  id: number;
  orderId: number;
  userId: number;
  createdMs: number;
  reason: string;
  /** Ten-thousandths, always whole cents (V3 refunds are 2-decimal amounts). */
  totalUnits: number;
  taxUnits: number;
  usesMerchantOverride: boolean;
  items: Array<{ itemType: RefundItemType; itemId: number; quantity: number | null; requestedUnits: number | null; reason: string }>;
  payments: Array<{ id: number; providerId: string; amountUnits: number; offline: boolean; isDeclined: boolean; declinedMessage: string; transactionId: string }>;
}

export interface SandboxHook {
  id: number;
  clientId: string;
  scope: string;
  destination: string;
  headers: Record<string, string> | null;
  isActive: boolean;
  /** Set when BigCommerce itself deactivated the hook (retries exhausted): admin status "deactivated". */
  deactivatedMs: number | null;
  createdMs: number;
  updatedMs: number;
}

/** A V3 product as the catalog API returns it (products_catalog.v3.yml: product_Full), minus computed fields. */
export type V3Product = Record<string, unknown> & {
  id: number;
  name: string;
  type: 'physical' | 'digital';
  sku: string;
  price: number;
  weight: number;
  inventory_tracking: 'none' | 'product' | 'variant';
  inventory_warning_level: number;
  is_visible: boolean;
  /** 0 = no sale price; `calculated_price` is derived from price and sale_price, never stored. */
  sale_price: number;
  categories: number[];
  custom_fields: Array<{ id: number; name: string; value: string }>;
  images: V3ProductImage[];
  bulk_pricing_rules: Array<{ id: number; quantity_min: number; quantity_max: number; type: 'price' | 'percent' | 'fixed'; amount: number }>;
  date_created: string; // ISO-8601
  date_modified: string;
  /** The one variant of a product without options; null for products with options. Maintained by the sandbox, never taken from input. */
  base_variant_id: number | null;
};

/** products_catalog.v3.yml productImage_Full; the url_* sizes all point at image_url in the sandbox. */
export interface V3ProductImage {
  id: number;
  product_id: number;
  image_url: string;
  is_thumbnail: boolean;
  sort_order: number;
  description: string;
  date_modified: string;
}

/**
 * A V3 variant (product-variants_catalog.v3.yml: productVariant_Full), minus the computed
 * inventory_level, calculated_price and calculated_weight. A base variant (no option values) stands
 * for a product without options; its `sku_id` is null, as it has no V2 SKU.
 */
export type V3Variant = Record<string, unknown> & {
  id: number;
  product_id: number;
  sku: string;
  sku_id: number | null;
  /** null = the product's price. */
  price: number | null;
  sale_price: number | null;
  weight: number | null;
  upc: string;
  option_values: V3OptionValue[];
};

export interface V3OptionValue {
  id: number;
  label: string;
  option_id: number;
  option_display_name: string;
}

/**
 * A variant option created through POST /catalog/products/{id}/options, or one whose values grew
 * through POST .../options/{option_id}/values (product-variant-options_catalog.v3.yml
 * productOption_Full). A product's options are what its variants carry merged with these.
 */
export type V3ProductOption = {
  id: number;
  product_id: number;
  display_name: string;
  type: 'radio_buttons' | 'rectangles' | 'dropdown' | 'product_list' | 'product_list_with_images' | 'swatch';
  sort_order: number;
  option_values: V3ProductOptionValue[];
};

/** productOptionOptionValue_Full. */
export type V3ProductOptionValue = {
  id: number;
  label: string;
  sort_order: number;
  is_default: boolean;
  value_data: Record<string, unknown> | null;
};

/** Stock of one inventory item at one location (inventory.v3.yml). */
export interface InventoryLevel {
  onHand: number;
  safetyStock: number;
  warningLevel: number;
  /** A setting, "available for purchase independent of quantity": stock changes leave it alone. */
  isInStock: boolean;
  binPickingNumber: string;
}

/** locations.v3.yml LocationResponse. */
export type V3Location = Record<string, unknown> & {
  id: number;
  code: string;
  label: string;
  enabled: boolean;
  type_id: 'PHYSICAL' | 'VIRTUAL';
  managed_by_external_source: boolean;
  storefront_visibility: boolean;
  created_at: string;
  updated_at: string;
};

/** customers.v3.yml address_Full. */
export type V3CustomerAddress = Record<string, unknown> & {
  id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  address1: string;
  city: string;
  country_code: string;
};

/** customers.v3.yml customer_Full; sub-resources (addresses, store credit, attributes, form fields) are returned only with `include`. */
export type V3Customer = Record<string, unknown> & {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  customer_group_id: number;
  addresses: V3CustomerAddress[];
  attributes: Array<{ id: number; attribute_id: number; attribute_value: string; customer_id: number; date_created: string; date_modified: string }>;
  form_fields: Array<{ name: string; value: string | number | string[]; customer_id: number }>;
  store_credit_amounts: Array<{ amount: number }>;
  date_created: string;
  date_modified: string;
};

/** price_lists.v3.yml Price Record; product_id, sku and calculated_price are derived when read. */
export interface V3PriceRecord {
  variant_id: number;
  /** Lower case, as the spec's examples show it ("usd"). */
  currency: string;
  price: number;
  sale_price?: number;
  retail_price?: number;
  map_price?: number;
  bulk_pricing_tiers: Array<{ quantity_min: number; quantity_max: number | null; type: 'fixed' | 'price' | 'percent'; amount: number }>;
  date_created: string;
  date_modified: string;
}

export interface V3PriceList {
  id: number;
  name: string;
  active: boolean;
  date_created: string;
  date_modified: string;
  /** key `${variant_id}:${currency}` */
  records: Record<string, V3PriceRecord>;
}

export interface BcSandboxData {
  schemaVersion: 4;
  nextIds: Record<
    | 'order'
    | 'orderProduct'
    | 'orderAddress'
    | 'hook'
    | 'shipment'
    | 'refund'
    | 'refundPayment'
    | 'product'
    | 'variant'
    | 'customer'
    | 'customerAddress'
    | 'location'
    | 'priceList'
    | 'transaction'
    | 'metafield',
    number
  >;
  products: Record<string, V3Product>;
  variants: Record<string, V3Variant>;
  /** Options and values created through the options endpoints, by option id (absent in data saved before them). */
  productOptions?: Record<string, V3ProductOption>;
  locations: Record<string, V3Location>;
  /** key `${locationId}:${variantId}` */
  inventory: Record<string, InventoryLevel>;
  customers: Record<string, V3Customer>;
  priceLists: Record<string, V3PriceList>;
  orders: Record<string, SandboxOrder>;
  refunds: Record<string, SandboxRefund>;
  hooks: Record<string, SandboxHook>;
  /** Per API client: who is emailed when a hook is deactivated or a domain blocklisted. */
  hookAdminEmails: Record<string, string[]>;
  /** Order metafields (orders.v3.yml), by id; unique per client + namespace + key + order. */
  orderMetafields: Record<string, SandboxMetafield>;
}

export interface SandboxMetafield {
  id: number;
  order_id: number;
  namespace: string;
  key: string;
  value: string;
  description: string;
  permission_set: 'app_only' | 'read' | 'write' | 'read_and_sf_access' | 'write_and_sf_access';
  owner_client_id: string;
  date_created: string;
  date_modified: string;
}

export function nextId(data: BcSandboxData, kind: keyof BcSandboxData['nextIds']): number {
  return data.nextIds[kind]++;
}
