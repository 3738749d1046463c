import type { Money } from '../shared/money';

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

/**
 * What a line is, from BigCommerce's `type`: physical goods ship; digital ones are downloaded; a gift
 * certificate is sold by email (the email consignment) and has no SKU.
 */
export type OrderLineKind = 'physical' | 'digital' | 'giftCertificate';

export interface OrderLine {
  /** BigCommerce's order-product id: shipments and refunds refer to lines by it. */
  id: number;
  /** Absent in orders read before kinds were carried (recorded histories): those were physical or digital. */
  kind?: OrderLineKind;
  productId: number;
  variantId: number | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceExTax: Money;
  totalExTax: Money;
  totalTax: Money;
}

/** An order fee (BigCommerce `fees`, e.g. package protection): a charge of its own, with its own tax. */
export interface OrderFee {
  id: number;
  name: string;
  costExTax: Money;
  costIncTax: Money;
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
  /** BigCommerce's total before tax; absent in orders read before it was carried (recorded histories). */
  totalExTax?: Money;
  /** Absent in orders read before fees were carried (recorded histories). */
  fees?: OrderFee[];
  /**
   * Paid with store credit or a redeemed gift certificate: payments toward `totalIncTax`, which
   * they do not reduce (BigCommerce treats both as payment methods). Absent in older reads.
   */
  storeCreditPaid?: Money;
  giftCertificatePaid?: Money;
  customerMessage: string;
  isDeleted: boolean;
}
