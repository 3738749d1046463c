import type { Money } from './money';

/**
 * Our model of a BigCommerce order: the part of the V2 order the sync needs, in our own names, with
 * money normalized to 4-decimal strings and dates as ISO-8601. It is what the fetch activity
 * returns, so it is also what lands in workflow history: keep it small.
 */
export interface Address {
  firstName: string;
  lastName: string;
  company: string;
  street1: string;
  street2: string;
  city: string;
  state: string;
  zip: string;
  countryIso2: string;
  phone: string;
  email: string;
}

export interface OrderLine {
  /** BigCommerce's order-product id: shipments and refunds refer to lines by it. */
  id: number;
  productId: number;
  variantId: number | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceExTax: Money;
  totalExTax: Money;
  totalTax: Money;
}

export interface ShippingDestination {
  /** The consignment id, which is the order-address id shipments need. */
  id: number;
  address: Address;
  method: string;
  lineIds: number[];
}

export interface BcOrder {
  id: number;
  statusId: number;
  status: string;
  paymentStatus: string;
  paymentMethod: string;
  customerId: number;
  currency: string;
  dateCreated: string;
  dateModified: string;
  billingAddress: Address;
  shipping: ShippingDestination[];
  lines: OrderLine[];
  subtotalExTax: Money;
  shippingExTax: Money;
  handlingExTax: Money;
  wrappingExTax: Money;
  discount: Money;
  totalTax: Money;
  totalIncTax: Money;
  customerMessage: string;
  isDeleted: boolean;
}
