import { SEED_PRODUCTS, type SandboxProduct } from './seed';

/**
 * The sandbox store's data, kept as plain JSON so `bcsync dev` can persist it under .data/ and a
 * restart does not reuse order ids that Temporal still remembers.
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
  quantity: number;
  /** Per unit, ten-thousandths. */
  priceExUnits: number;
  priceIncUnits: number;
  weight: number;
  optionLabel: string | null;
}

export interface SandboxOrder {
  id: number;
  customerId: number;
  statusId: number;
  createdMs: number;
  modifiedMs: number;
  billing: SandboxAddress;
  shipping: SandboxShippingAddress[];
  lines: SandboxOrderLine[];
  handlingExUnits: number;
  handlingIncUnits: number;
  discountUnits: number;
  paymentMethod: string;
  paymentStatus: string;
  currency: string;
  customerMessage: string;
  staffNotes: string;
  externalOrderId: string | null;
  externalSource: string | null;
  channelId: number;
  orderSource: string;
  isDeleted: boolean;
}

export interface SandboxHook {
  id: number;
  clientId: string;
  scope: string;
  destination: string;
  headers: Record<string, string> | null;
  isActive: boolean;
  createdMs: number;
  updatedMs: number;
}

export interface BcSandboxData {
  nextOrderId: number;
  nextOrderProductId: number;
  nextOrderAddressId: number;
  nextHookId: number;
  products: SandboxProduct[];
  orders: Record<string, SandboxOrder>;
  hooks: Record<string, SandboxHook>;
}

export const freshData = (): BcSandboxData => ({
  nextOrderId: 100,
  nextOrderProductId: 1,
  nextOrderAddressId: 1,
  nextHookId: 1,
  products: structuredClone(SEED_PRODUCTS),
  orders: {},
  hooks: {},
});
