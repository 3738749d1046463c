import { z } from 'zod';
import { seededRandom } from '../random';
import { findProduct, variantsOf } from './catalog';
import type { SandboxContext } from './context';
import { getLevel } from './inventory';
import { roundToCents } from './format';
import { buildOrder, placeOrder, type NewOrder, type NewOrderLine } from './order-create';
import { orderTotals } from './order-totals';
import type { SandboxAddress, SandboxFormField, SandboxLineDiscount } from './state';

/**
 * Realistic storefront orders for demos and tests (POST /__sandbox/orders/generate): several lines,
 * sometimes several destinations ("ship to multiple addresses"), discounts and coupons, custom
 * checkout fields, B2B buyers (customers 27 and 31, customer group 2) paying by bank deposit,
 * digital downloads and gift certificates, gift wrapping, order fees, and totals partly paid with
 * store credit or a redeemed gift certificate. They are placed like API orders: stock is taken and
 * the same events fire. Each feature is random unless the request turns it on or off; `seed`
 * makes a run repeatable.
 */

export const generateSchema = z.strictObject({
  count: z.number().int().min(1).max(200),
  seed: z.number().int().optional(),
  status_id: z.number().int().min(0).max(14).optional(),
  customer_id: z.number().int().nonnegative().optional(),
  channel_id: z.number().int().positive().optional(),
  payment_method: z.string().min(1).optional(),
  b2b: z.boolean().optional(),
  multi_address: z.boolean().optional(),
  digital: z.boolean().optional(),
  gift_certificate: z.boolean().optional(),
  discount: z.boolean().optional(),
  coupon: z.boolean().optional(),
  form_fields: z.boolean().optional(),
  /** Gift wrapping on one line (10% when unset). */
  gift_wrapping: z.boolean().optional(),
  /** An order fee such as package protection (10% when unset). */
  fees: z.boolean().optional(),
  /** Part of the total paid with a redeemed gift certificate or store credit (10% when unset). */
  redeem: z.boolean().optional(),
  /** Physical catalog lines per order (2 to 4 when unset). */
  lines: z.number().int().min(1).max(9).optional(),
});
export type GenerateOptions = z.infer<typeof generateSchema>;

const PEOPLE: Array<SandboxAddress & { customerId: number }> = [
  {
    customerId: 11,
    first_name: 'Jane',
    last_name: 'Doe',
    company: '',
    street_1: '555 East Street',
    street_2: '',
    city: 'Austin',
    state: 'Texas',
    zip: '78108',
    country: 'United States',
    country_iso2: 'US',
    phone: '5125550100',
    email: 'jane.doe@example.com',
  },
  {
    customerId: 0,
    first_name: 'Luis',
    last_name: 'Ortega',
    company: '',
    street_1: '19 Pine Ridge Rd',
    street_2: '',
    city: 'Boulder',
    state: 'Colorado',
    zip: '80302',
    country: 'United States',
    country_iso2: 'US',
    phone: '3035550142',
    email: 'luis.ortega@example.net',
  },
  {
    customerId: 0,
    first_name: 'Priya',
    last_name: 'Raman',
    company: '',
    street_1: '88 Lakeview Dr',
    street_2: 'Apt 4B',
    city: 'Madison',
    state: 'Wisconsin',
    zip: '53703',
    country: 'United States',
    country_iso2: 'US',
    phone: '6085550177',
    email: 'priya.raman@example.org',
  },
];
const B2B: Array<SandboxAddress & { customerId: number }> = [
  {
    customerId: 27,
    first_name: 'Amara',
    last_name: 'Okafor',
    company: 'Okafor Outfitters',
    street_1: '400 Harbor Blvd',
    street_2: '',
    city: 'Seattle',
    state: 'Washington',
    zip: '98101',
    country: 'United States',
    country_iso2: 'US',
    phone: '2065550199',
    email: 'amara@okafor.example',
  },
  {
    customerId: 31,
    first_name: 'Kenji',
    last_name: 'Watanabe',
    company: 'Summit Supply Co',
    street_1: '1200 Alpine Way',
    street_2: 'Dock 3',
    city: 'Denver',
    state: 'Colorado',
    zip: '80202',
    country: 'United States',
    country_iso2: 'US',
    phone: '7205550133',
    email: 'kenji@summit-supply.example',
  },
];
const GIFTEES = [
  {
    first_name: 'Sam',
    last_name: 'Lee',
    company: '',
    street_1: '7 Orchard Lane',
    street_2: '',
    city: 'Portland',
    state: 'Oregon',
    zip: '97205',
    country: 'United States',
    country_iso2: 'US',
    phone: '5035550111',
    email: 'sam.lee@example.com',
  },
  {
    first_name: 'Maria',
    last_name: 'Costa',
    company: '',
    street_1: '31 Bay Street',
    street_2: '',
    city: 'San Diego',
    state: 'California',
    zip: '92101',
    country: 'United States',
    country_iso2: 'US',
    phone: '6195550122',
    email: 'maria.costa@example.com',
  },
];
const METHODS = [
  { name: 'UPS Ground', ex: 95_000 },
  { name: 'Free Shipping', ex: 0 },
  { name: 'USPS Priority Mail', ex: 120_000 },
];

let runs = 0;

export function generateOrders(ctx: SandboxContext, opts: GenerateOptions): number[] {
  const random = seededRandom(opts.seed ?? Date.now() + runs++);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chance = (forced: boolean | undefined, p: number) => forced ?? random() < p;
  const locationId = ctx.settings.orderStockLocationId;
  const ids: number[] = [];

  for (let n = 0; n < opts.count; n++) {
    const b2b = opts.b2b ?? (opts.customer_id !== undefined ? B2B.some((c) => c.customerId === opts.customer_id) : random() < 0.25);
    const pool = b2b ? B2B : PEOPLE;
    const buyer = (opts.customer_id !== undefined && [...B2B, ...PEOPLE].find((p) => p.customerId === opts.customer_id)) || pick(pool);
    const { customerId, ...billing } = buyer;
    const multi = chance(opts.multi_address, 0.2);

    // Physical lines: distinct sellable variants with stock to spare at the order location.
    const taken = new Map<number, number>();
    const sellable = Object.values(ctx.data.products)
      .filter((p) => p.type === 'physical')
      .flatMap((p) => (p.base_variant_id !== null ? [{ product: p, variantId: p.base_variant_id }] : variantsOf(ctx.data, p.id).map((v) => ({ product: p, variantId: v.id }))));
    const available = (productId: number, variantId: number) => {
      if (findProduct(ctx.data, productId)?.inventory_tracking === 'none') return Infinity;
      const level = getLevel(ctx.data, locationId, variantId);
      return level.onHand - level.safetyStock - (taken.get(variantId) ?? 0);
    };
    const wanted = opts.lines ?? 2 + Math.floor(random() * 3);
    const lines: NewOrderLine[] = [];
    for (const candidate of [...sellable].sort(() => random() - 0.5)) {
      if (lines.length >= wanted) break;
      const quantity = Math.min(b2b ? 3 + Math.floor(random() * 6) : 1 + Math.floor(random() * 3), available(candidate.product.id, candidate.variantId));
      if (quantity < 1) continue;
      taken.set(candidate.variantId, (taken.get(candidate.variantId) ?? 0) + quantity);
      const discounts: SandboxLineDiscount[] = [];
      // An automatic promotion on the product itself, as a storefront applies it.
      if (candidate.product.sku === 'SOCK-MER' && quantity >= 2)
        discounts.push({ id: '3', name: 'Sock bundle: $2 off each pair', code: null, target: 'product', units: 20_000 * quantity, isCoupon: false });
      lines.push({
        kind: 'catalog',
        productId: candidate.product.id,
        variantId: candidate.product.base_variant_id === null ? candidate.variantId : undefined,
        quantity,
        addressIndex: multi ? lines.length % 2 : 0,
        discounts,
      });
    }
    if (lines.length === 0) throw new Error('the sandbox has no stock left to generate orders from');
    if (chance(opts.gift_wrapping, 0.1)) {
      const first = lines[0] as Extract<NewOrderLine, { kind: 'catalog' }>;
      first.wrapping = { name: 'Gift Box', message: pick(['Happy birthday!', 'Congratulations!', '']), exUnits: pick([30_000, 50_000]) };
    }
    if (chance(opts.digital, 0.2)) lines.push({ kind: 'catalog', productId: 117, quantity: 1 });
    if (chance(opts.gift_certificate, 0.1)) {
      const giftee = pick(GIFTEES);
      lines.push({
        kind: 'giftcertificate',
        amountUnits: pick([250_000, 500_000, 1_000_000]),
        recipientEmail: giftee.email,
        recipientName: `${giftee.first_name} ${giftee.last_name}`,
        message: 'Happy trails!',
      });
    }

    const withFields = chance(opts.form_fields, 0.5);
    const billingFormFields: SandboxFormField[] = [];
    if (b2b) billingFormFields.push({ name: 'PO Number', value: `PO-${10_000 + Math.floor(random() * 90_000)}` }, { name: 'Tax Exempt ID', value: `EX-${customerId}-WA` });
    if (withFields) billingFormFields.push({ name: 'How did you hear about us?', value: pick(['Friend', 'Instagram', 'Trail magazine']) });
    const destination = (a: SandboxAddress, i: number) => {
      const method = i === 0 ? pick(METHODS) : METHODS[0]!;
      return {
        ...a,
        shippingMethod: method.name,
        formFields: withFields ? [{ name: 'Delivery Instructions', value: pick(['Leave at the back door', 'Ring twice', 'Loading dock, 7am-3pm']) }] : [],
        costExUnits: method.ex,
      };
    };
    const shipping = [destination(billing, 0), ...(multi ? [destination(pick(GIFTEES), 1)] : [])];
    const physical = lines.some((l) => l.kind === 'catalog' && findProduct(ctx.data, l.productId)?.type === 'physical');
    const digitalOnly = !physical;
    const payment = opts.payment_method ?? (b2b ? 'Bank Deposit' : pick(['Credit Card', 'Credit Card', 'PayPal']));
    const input: NewOrder = {
      customerId,
      statusId: opts.status_id ?? (digitalOnly ? 10 : 11),
      billing,
      billingFormFields,
      shipping: physical ? shipping : [],
      lines,
      handlingExUnits: b2b ? 50_000 : 0,
      manualDiscountUnits: chance(opts.discount, 0.2) ? pick([50_000, 100_000]) : 0,
      coupon: chance(opts.coupon, 0.2) ? { id: 7, code: 'TRAIL10', name: '$10 off your order', units: 100_000 } : undefined,
      paymentMethod: payment,
      paymentProviderId: payment === 'Credit Card' ? `ch_${Math.floor(random() * 1e12).toString(36)}` : '',
      customerMessage: random() < 0.3 ? 'Please pack the mug separately.' : '',
      staffNotes: b2b ? 'Net 30 wholesale account' : '',
      externalOrderId: null,
      externalSource: null,
      channelId: opts.channel_id ?? 1,
      orderSource: 'www',
      currency: 'USD',
      customerLocale: 'en',
      ipAddress: `203.0.113.${1 + Math.floor(random() * 254)}`,
      cartId: `${Math.floor(random() * 0xffffffff)
        .toString(16)
        .padStart(8, '0')}-4b1d-4c8e-9a2f-${Math.floor(random() * 0xffffffffffff)
        .toString(16)
        .padStart(12, '0')}`,
    };
    if (chance(opts.fees, 0.1)) {
      const ex = pick([25_000, 49_900]);
      input.fees = [
        {
          id: 1,
          type: 'custom_fee',
          displayNameCustomer: 'Package Protection',
          displayNameMerchant: 'Package Protection Fee',
          source: 'checkout',
          costExUnits: ex,
          costIncUnits: ex + roundToCents(ex * ctx.settings.taxRate),
          taxClassId: null,
          refundedUnits: 0,
        },
      ];
    }
    const order = buildOrder(ctx.data, input, { taxRate: ctx.settings.taxRate, nowMs: ctx.now(), stockLocationId: locationId });
    if (chance(opts.redeem, 0.1)) {
      // A payment toward the total, not a discount: total_inc_tax stays what it is.
      const total = orderTotals(order).totalInc;
      if (customerId > 0 && random() < 0.5) order.storeCreditUnits = Math.min(total, 150_000);
      else order.giftCertificateRedeemedUnits = Math.min(total, 250_000);
    }
    ids.push(placeOrder(ctx, order).id);
  }
  return ids;
}
