import { describe, expect, it } from 'vitest';
import { bcOrderV2Schema, toBcOrder } from '../../connectors/bigcommerce/orders/get-order';
import { toNetSuiteSalesOrder } from '../../connectors/erp/netsuite/upsert-sales-order';
import { mapOrderToSalesOrder } from '../../domain/map-order-to-sales-order';
import { fingerprint } from '../../domain/fingerprint';
import { addMoney, toUnits } from '../../domain/money';

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
    billing_address: { first_name: 'Jane', last_name: 'Doe', company: '', street_1: '555 East Street', street_2: '', city: 'Austin', state: 'Texas', zip: '78108', country: 'United States', country_iso2: 'US', phone: '1234567890', email: 'janedoe@example.com' },
    consignments: {
      pickups: [],
      shipping: [
        {
          id: 7,
          first_name: 'Jane', last_name: 'Doe', company: null, street_1: '555 East Street', street_2: '', city: 'Austin', state: 'Texas', zip: '78108', country: 'United States', country_iso2: 'US', phone: '1234567890', email: 'janedoe@example.com',
          shipping_method: 'Flat Rate',
          base_cost: 11.09, cost_ex_tax: 11.09,
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
