import { seedCatalog } from './seed';

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

export interface SandboxShippingAddress extends SandboxAddress {
  /** The order-address id: consignment id and shipment `order_address_id`. */
  id: number;
  shippingMethod: string;
  costExUnits: number;
  costIncUnits: number;
}

export interface SandboxOrderLine {
  /** The order-product id. */
  id: number;
  productId: number;
  variantId: number | null;
  orderAddressId: number;
  name: string;
  sku: string;
  /** physical | digital | giftcertificate */
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
  /** Discount applied to the line, ten-thousandths (coupon or automatic promotion). */
  discountUnits: number;
}

export interface SandboxShipment {
  id: number;
  order_id: number;
  customer_id: number;
  order_address_id: number;
  date_created: string; // RFC-2822, as V2 returns it
  tracking_number: string;
  shipping_method: string;
  shipping_provider: string;
  tracking_carrier: string;
  tracking_link: string;
  comments: string;
  items: Array<{ order_product_id: number; product_id: number; quantity: number }>;
}

export interface SandboxOrder {
  id: number;
  customerId: number;
  statusId: number;
  createdMs: number;
  modifiedMs: number;
  shippedMs: number | null;
  billing: SandboxAddress;
  shipping: SandboxShippingAddress[];
  lines: SandboxOrderLine[];
  handlingExUnits: number;
  handlingIncUnits: number;
  /** Order-level discount (discount_amount), ten-thousandths. */
  discountUnits: number;
  couponDiscountUnits: number;
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
  isDeleted: boolean;
  refundedUnits: number;
  customFields: Array<{ name: string; value: string }>;
  shipments: SandboxShipment[];
  /** Where the money came from, for refund quotes: one payment per order in the sandbox. */
  payment: { providerId: string; providerDescription: string; offline: boolean; capturedUnits: number };
}

export interface SandboxRefund {
  id: number;
  order_id: number;
  user_id: number;
  created: string; // ISO-8601
  reason: string;
  total_amount: number;
  total_tax: number;
  uses_merchant_override_values: boolean;
  items: Array<{ item_type: string; item_id: number; quantity?: number; requested_amount?: string | number | null; reason?: string }>;
  payments: Array<{ id: number; provider_id: string; amount: number; offline: boolean; is_declined: boolean; declined_message: string }>;
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
  date_created: string; // ISO-8601
  date_modified: string;
  /** The one variant of a product without options; null for products with options. */
  base_variant_id: number | null;
};

/** A V3 variant (product-variants_catalog.v3.yml: productVariant_Full), minus inventory_level. */
export type V3Variant = Record<string, unknown> & {
  id: number;
  product_id: number;
  sku: string;
  /** null = the product's price. */
  price: number | null;
  option_values: Array<{ id: number; label: string; option_id: number; option_display_name: string }>;
};

export interface InventoryLevel {
  onHand: number;
  safetyStock: number;
  warningLevel: number;
  isInStock: boolean;
  binPickingNumber: string;
}

export type V3Location = Record<string, unknown> & { id: number; code: string; label: string; enabled: boolean; type_id: string };
export type V3Customer = Record<string, unknown> & { id: number; email: string; first_name: string; last_name: string; date_modified: string };
export interface V3PriceList {
  id: number;
  name: string;
  active: boolean;
  date_created: string;
  date_modified: string;
  /** key `${variant_id}:${currency}` */
  records: Record<string, Record<string, unknown> & { variant_id: number; currency: string; price: number }>;
}

export interface BcSandboxData {
  schemaVersion: 2;
  nextIds: Record<
    'order' | 'orderProduct' | 'orderAddress' | 'hook' | 'shipment' | 'refund' | 'refundPayment' | 'product' | 'variant' | 'customer' | 'customerAddress' | 'location' | 'priceList' | 'transaction',
    number
  >;
  products: Record<string, V3Product>;
  variants: Record<string, V3Variant>;
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
}

export function freshData(nowMs: number = Date.now()): BcSandboxData {
  const data: BcSandboxData = {
    schemaVersion: 2,
    nextIds: {
      order: 100,
      orderProduct: 1,
      orderAddress: 1,
      hook: 1,
      shipment: 1,
      refund: 1,
      refundPayment: 1,
      product: 111,
      variant: 1,
      customer: 1,
      customerAddress: 1,
      location: 1,
      priceList: 1,
      transaction: 1,
    },
    products: {},
    variants: {},
    locations: {},
    inventory: {},
    customers: {},
    priceLists: {},
    orders: {},
    refunds: {},
    hooks: {},
    hookAdminEmails: {},
  };
  seedCatalog(data, nowMs);
  return data;
}

/** Data saved by an older sandbox (before schemaVersion 2) is not migrated: it starts fresh. */
export function loadOrFresh(saved: unknown, nowMs: number = Date.now()): BcSandboxData {
  if (saved && typeof saved === 'object' && (saved as { schemaVersion?: unknown }).schemaVersion === 2) return saved as BcSandboxData;
  return freshData(nowMs);
}

export function nextId(data: BcSandboxData, kind: keyof BcSandboxData['nextIds']): number {
  return data.nextIds[kind]++;
}
