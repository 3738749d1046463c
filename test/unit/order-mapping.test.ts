import { describe, expect, it } from 'vitest';
import { bcOrderV2Schema, toBcOrder } from '../../connectors/bigcommerce/orders/get-order';
import { toNetSuiteSalesOrder } from '../../connectors/erp/netsuite/upsert-sales-order';
import { mapOrderToSalesOrder } from '../../domain/orders/map-order-to-sales-order';
import { fingerprint } from '../../domain/shared/fingerprint';
import { addMoney, toUnits } from '../../domain/shared/money';

/** A V2 order as BigCommerce returns it with include=consignments.line_items (shapes from orders.v2.oas2.yml). */
function v2Order(overrides: Record<string, unknown> = {}) {
  const line = (id: number, sku: string, qty: number, ex: string, tax: string) => ({
    id,
    order_id: 218,
    product_id: 100 + id,
    variant_id: id === 2 ? 93 : null,
    name: `Product ${sku}`,
    sku,
    quantity: qty,
    price_ex_tax: ex,
    price_inc_tax: addMoney(ex, tax),
    total_ex_tax: String((Number(ex) * qty).toFixed(4)),
    total_tax: String((Number(tax) * qty).toFixed(4)),
    base_price: ex,
  });
  return {
    id: 218,
    customer_id: 11,
    date_created: 'Tue, 05 Mar 2019 21:40:11 +0000',
    date_modified: 'Mon, 11 Mar 2019 15:17:25 +0000',
    status_id: 11,
    status: 'Awaiting Fulfillment',
    payment_status: 'captured',
    payment_method: 'Cash',
    currency_code: 'USD',
    subtotal_ex_tax: '62.6800',
    shipping_cost_ex_tax: '11.09',
    handling_cost_ex_tax: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    discount_amount: '5.0000',
    total_tax: '5.3100',
    total_inc_tax: '74.0800',
    customer_message: '',
    staff_notes: '',
    billing_address: {
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
      phone: '1234567890',
      email: 'janedoe@example.com',
    },
    consignments: {
      pickups: [],
      shipping: [
        {
          id: 7,
          first_name: 'Jane',
          last_name: 'Doe',
          company: null,
          street_1: '555 East Street',
          street_2: '',
          city: 'Austin',
          state: 'Texas',
          zip: '78108',
          country: 'United States',
          country_iso2: 'US',
          phone: '1234567890',
          email: 'janedoe@example.com',
          shipping_method: 'Flat Rate',
          base_cost: 11.09,
          cost_ex_tax: 11.09,
          line_items: [line(1, 'SKU-A', 2, '20.0000', '1.6000'), line(2, 'SKU-B-RED', 1, '22.68', '1.8100')],
        },
      ],
      downloads: [],
      email: { gift_certificates: [] },
    },
    ...overrides,
  };
}

describe('BigCommerce V2 order -> our model', () => {
  it('reads money strings of any precision, RFC-2822 dates, null strings, and consignment lines', () => {
    const order = toBcOrder(bcOrderV2Schema.parse(v2Order()));
    expect(order.dateCreated).toBe('2019-03-05T21:40:11.000Z');
    expect(order.shippingExTax).toBe('11.0900');
    expect(order.shipping[0]!.address.company).toBe('');
    expect(order.lines.map((l) => [l.id, l.sku, l.quantity, l.unitPriceExTax, l.variantId])).toEqual([
      [1, 'SKU-A', 2, '20.0000', null],
      [2, 'SKU-B-RED', 1, '22.6800', 93],
    ]);
    expect(order.shipping[0]!.lineIds).toEqual([1, 2]);
  });

  it('accepts the legacy one-element consignments array as well as the object', () => {
    const raw = v2Order();
    const legacy = toBcOrder(bcOrderV2Schema.parse({ ...raw, consignments: [raw.consignments] }));
    expect(legacy).toEqual(toBcOrder(bcOrderV2Schema.parse(raw)));
  });

  it('refuses a response whose lines are links (the include was missing) instead of syncing an empty order', () => {
    const raw = v2Order();
    raw.consignments.shipping[0]!.line_items = [{ url: 'https://x/orders/218/products/1', resource: '/orders/218/products/1' }] as never;
    expect(bcOrderV2Schema.safeParse(raw).success).toBe(false);
  });

  it('refuses an unknown status id and a non-decimal amount', () => {
    expect(bcOrderV2Schema.safeParse(v2Order({ status_id: 99 })).success).toBe(false);
    expect(bcOrderV2Schema.safeParse(v2Order({ total_inc_tax: '74,08' })).success).toBe(false);
  });
});

describe('our order -> ERP sales order', () => {
  const order = toBcOrder(bcOrderV2Schema.parse(v2Order()));
  const so = mapOrderToSalesOrder('abc123', order);

  it('keys the sales order and the customer by external ids derived from BigCommerce ids', () => {
    expect(so.externalId).toBe('bc-abc123-218');
    expect(so.customer.externalId).toBe('bc-abc123-customer-11');
    expect(mapOrderToSalesOrder('abc123', { ...order, customerId: 0 }).customer.externalId).toBe('bc-abc123-guest');
    expect(so.orderDate).toBe('2019-03-05');
  });

  it('sends parts that add up to what the customer paid', () => {
    const lines = so.lines.reduce((sum, l) => sum + toUnits(l.amount), 0);
    const erpTotal = lines + toUnits(so.shippingCost) + toUnits(so.taxTotal) - toUnits(so.discount);
    expect(erpTotal).toBe(toUnits(so.expectedTotal));
  });

  it('puts tax on its own line and the discount on the discount item in the NetSuite body', () => {
    const body = toNetSuiteSalesOrder(so);
    expect(body.item.items.map((l) => l.item.externalId)).toEqual(['SKU-A', 'SKU-B-RED', 'bcsync-sales-tax']);
    expect(body.item.items[2]!.amount).toBe(5.31);
    expect(body).toMatchObject({ discountItem: { externalId: 'bcsync-discount' }, discountRate: -5, shippingCost: 11.09 });
    const total = body.item.items.reduce((s, l) => s + l.amount, 0) + body.shippingCost + (body.discountRate ?? 0);
    expect(total).toBeCloseTo(74.08, 2);
  });

  it('fingerprints equal orders equally and any change differently', () => {
    expect(fingerprint(mapOrderToSalesOrder('abc123', order))).toBe(fingerprint(so));
    const changed = { ...order, lines: order.lines.map((l, i) => (i === 0 ? { ...l, quantity: 3 } : l)) };
    expect(fingerprint(mapOrderToSalesOrder('abc123', changed))).not.toBe(fingerprint(so));
  });
});

describe('every kind of line and charge reaches the ERP (totals that cannot drift)', () => {
  // A gift certificate ($25, email consignment), a fee with tax, gift wrapping, a coupon that
  // discount_amount leaves out, and part of the total paid with store credit.
  const gcLine = {
    id: 3,
    order_id: 218,
    product_id: 0,
    variant_id: 0,
    name: '$25.00 Gift Certificate',
    sku: '',
    type: 'giftcertificate',
    quantity: 1,
    price_ex_tax: '25.0000',
    total_ex_tax: '25.0000',
    total_tax: '0.0000',
  };
  const raw = v2Order({
    subtotal_ex_tax: '87.6800',
    wrapping_cost_ex_tax: '3.0000',
    discount_amount: '5.0000',
    coupon_discount: '10.0000',
    // lines 62.68 + gift certificate 25 + shipping 11.09 + wrapping 3 + fee 2.50 - discounts 15
    total_ex_tax: '89.2700',
    total_tax: '5.7900',
    total_inc_tax: '95.0600',
    store_credit_amount: '20.0000',
    gift_certificate_amount: '0.0000',
    fees: [
      {
        id: 1,
        type: 'custom_fee',
        display_name_customer: 'Package Protection',
        display_name_merchant: 'Package Protection Fee',
        source: 'checkout',
        base_cost: '2.5000',
        cost_ex_tax: '2.5000',
        cost_inc_tax: '2.7000',
        cost_tax: '0.2000',
        tax_class_id: null,
      },
    ],
  });
  raw.consignments.email = { gift_certificates: [{ recipient_email: 'sam@example.com', line_items: [gcLine] }] } as never;
  const order = toBcOrder(bcOrderV2Schema.parse(raw));
  const so = mapOrderToSalesOrder('abc123', order);

  it('reads the email consignment, the fees and the payments by store credit', () => {
    expect(order.lines.map((l) => [l.id, l.kind])).toEqual([
      [1, 'physical'],
      [2, 'physical'],
      [3, 'giftCertificate'],
    ]);
    expect(order.fees).toEqual([{ id: 1, name: 'Package Protection Fee', costExTax: '2.5000', costIncTax: '2.7000' }]);
    expect(order.storeCreditPaid).toBe('20.0000');
  });

  it('accepts the spec example’s cost_exc_tax spelling of a fee', () => {
    const quirk = v2Order({ fees: [{ id: 2, display_name_merchant: 'B Fee', cost_exc_tax: '4.0000', cost_inc_tax: '12.0000' }] });
    expect(toBcOrder(bcOrderV2Schema.parse(quirk)).fees).toEqual([{ id: 2, name: 'B Fee', costExTax: '4.0000', costIncTax: '12.0000' }]);
  });

  it('takes every discount from BigCommerce’s totals, coupons included, whatever discount_amount says', () => {
    expect(so.discount).toBe('15.0000');
    expect(so.shippingCost).toBe('14.0900');
  });

  it('sends parts whose sum is total_inc_tax: products, the gift certificate, the fee, shipping and wrapping, tax, less discounts', () => {
    const body = toNetSuiteSalesOrder(so);
    expect(body.item.items.map((l) => [l.item.externalId, l.custcol_bcsync_line_id])).toEqual([
      ['SKU-A', '1'],
      ['SKU-B-RED', '2'],
      ['bcsync-gift-certificate', '3'],
      ['bcsync-fee', 'fee-1'],
      ['bcsync-sales-tax', 'tax'],
    ]);
    const total = body.item.items.reduce((s, l) => s + l.amount, 0) + body.shippingCost + (body.discountRate ?? 0);
    expect(total).toBeCloseTo(95.06, 2);
    expect(body).toMatchObject({ custbody_bcsync_store_credit_paid: 20 });
    expect(body).not.toHaveProperty('custbody_bcsync_gift_certificate_paid');
  });

  it('maps an ordinary order exactly as before (no new keys), so open orders are not written again', () => {
    const plain = mapOrderToSalesOrder('abc123', toBcOrder(bcOrderV2Schema.parse(v2Order())));
    expect(plain).not.toHaveProperty('fees');
    expect(plain).not.toHaveProperty('paidWith');
    expect(plain.lines.some((l) => 'kind' in l)).toBe(false);
  });

  it('books a custom line without a SKU on the non-inventory item', () => {
    const custom = { ...order, lines: [{ ...order.lines[0]!, sku: '', productId: 0 }] };
    expect(toNetSuiteSalesOrder(mapOrderToSalesOrder('abc123', custom)).item.items[0]!.item.externalId).toBe('bcsync-non-inventory');
  });
});
