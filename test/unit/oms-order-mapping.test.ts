import { describe, expect, it } from 'vitest';
import { toShipStationOrder } from '../../connectors/oms/shipstation/upsert-order';
import { omsOrderKey } from '../../domain/shared/ids';
import { mapOrderToOmsOrder, omsStatusForBcStatus } from '../../domain/orders/map-order-to-oms-order';
import type { BcOrder } from '../../domain/orders/order';
import { testAddress as address } from '../support/address';

/** Our BigCommerce order model: two physical lines to one address, one digital line (downloads). */
function bcOrder(overrides: Partial<BcOrder> = {}): BcOrder {
  return {
    id: 218,
    statusId: 11,
    status: 'Awaiting Fulfillment',
    paymentStatus: 'captured',
    paymentMethod: 'Cash',
    customerId: 11,
    currency: 'USD',
    dateCreated: '2019-03-05T21:40:11.000Z',
    dateModified: '2019-03-11T15:17:25.000Z',
    billingAddress: address(),
    shipping: [{ id: 7, address: address({ firstName: 'Joe', street1: '1 Ship Lane' }), method: 'UPS Ground', lineIds: [1, 2] }],
    lines: [
      { id: 1, productId: 111, variantId: null, sku: 'PACK-22', name: 'Trailhead Daypack 22L', quantity: 2, unitPriceExTax: '20.0000', totalExTax: '40.0000', totalTax: '3.2000' },
      { id: 2, productId: 113, variantId: 202, sku: 'JKT-RDG-M', name: 'Ridge Rain Jacket M', quantity: 1, unitPriceExTax: '22.6800', totalExTax: '22.6800', totalTax: '1.8100' },
      { id: 3, productId: 117, variantId: null, sku: 'MAP-PDF', name: 'Trail Map Bundle (PDF)', quantity: 1, unitPriceExTax: '12.0000', totalExTax: '12.0000', totalTax: '0.9600' },
    ],
    subtotalExTax: '74.6800',
    shippingExTax: '11.0900',
    handlingExTax: '1.0000',
    wrappingExTax: '0.5000',
    discount: '5.0000',
    totalTax: '5.9700',
    totalIncTax: '88.2400',
    customerMessage: 'Leave at the door',
    isDeleted: false,
    ...overrides,
  };
}

describe('BigCommerce order -> OMS order', () => {
  it('keys the order bc-<storeHash>-<orderId> and sends only the lines that ship', () => {
    const oms = mapOrderToOmsOrder('abc123', bcOrder());
    expect(oms.orderKey).toBe('bc-abc123-218');
    expect(oms.orderKey).toBe(omsOrderKey('abc123', 218));
    expect(oms.orderNumber).toBe('218');
    expect(oms.items).toEqual([
      { lineItemKey: '1', sku: 'PACK-22', name: 'Trailhead Daypack 22L', quantity: 2, unitPrice: '20.0000' },
      { lineItemKey: '2', sku: 'JKT-RDG-M', name: 'Ridge Rain Jacket M', quantity: 1, unitPrice: '22.6800' },
    ]);
    expect(oms.shipTo.street1).toBe('1 Ship Lane');
    expect(oms.billTo.street1).toBe('555 East Street');
    expect(oms.customerEmail).toBe('janedoe@example.com');
    expect(oms.requestedShippingService).toBe('UPS Ground');
    expect(oms.customerNotes).toBe('Leave at the door');
    expect(oms.internalNotes).toBe('BigCommerce order #218 (store abc123)');
  });

  it('carries money as exact strings: tax and shipping (with handling and wrapping) as totals', () => {
    const oms = mapOrderToOmsOrder('s', bcOrder());
    expect(oms).toMatchObject({
      amountPaid: '88.2400',
      taxAmount: '5.9700',
      shippingAmount: '12.5900',
      orderDate: '2019-03-05T21:40:11.000Z',
      paymentDate: '2019-03-05T21:40:11.000Z',
      status: 'awaiting_shipment',
    });
  });

  it('maps every BigCommerce status id, and holds unknown ones', () => {
    const expected: Record<number, string> = {
      0: 'awaiting_payment',
      1: 'awaiting_payment',
      2: 'awaiting_shipment',
      3: 'awaiting_shipment',
      4: 'cancelled',
      5: 'cancelled',
      6: 'cancelled',
      7: 'awaiting_payment',
      8: 'awaiting_shipment',
      9: 'awaiting_shipment',
      10: 'awaiting_shipment',
      11: 'awaiting_shipment',
      12: 'on_hold',
      13: 'on_hold',
      14: 'awaiting_shipment',
    };
    for (const [id, status] of Object.entries(expected)) expect([id, omsStatusForBcStatus(Number(id))]).toEqual([id, status]);
    expect(omsStatusForBcStatus(99)).toBe('on_hold');
  });

  it('sends nothing paid for an unpaid order', () => {
    const oms = mapOrderToOmsOrder('s', bcOrder({ statusId: 7, status: 'Awaiting Payment' }));
    expect(oms).toMatchObject({ status: 'awaiting_payment', amountPaid: '0.0000', paymentDate: null });
  });

  it('corrects SKUs through the ops-provided map', () => {
    const oms = mapOrderToOmsOrder('s', bcOrder(), { skuMap: { 'JKT-RDG-M': '3PL-JKT-M', 'NOT-IN-ORDER': 'X' } });
    expect(oms.items.map((i) => i.sku)).toEqual(['PACK-22', '3PL-JKT-M']);
  });

  it('has no items for a digital-only order (nothing to ship) and falls back to the billing address', () => {
    const oms = mapOrderToOmsOrder('s', bcOrder({ shipping: [] }));
    expect(oms.items).toEqual([]);
    expect(oms.shipTo).toEqual(address());
    expect(oms.requestedShippingService).toBe('');
  });

  it('holds an order that ships to several addresses, with a note for the warehouse to split it', () => {
    const order = bcOrder({
      shipping: [
        { id: 7, address: address({ firstName: 'Joe' }), method: 'UPS Ground', lineIds: [1] },
        { id: 8, address: address({ firstName: 'Ann', street1: '9 Elm St', city: 'Dallas' }), method: 'UPS Ground', lineIds: [2] },
      ],
    });
    const oms = mapOrderToOmsOrder('s', order);
    expect(oms.status).toBe('on_hold');
    expect(oms.items).toHaveLength(2);
    expect(oms.internalNotes).toMatch(/Ships to 2 addresses: split before shipping\. Lines 1 to Joe Doe, 555 East Street, Austin; Lines 2 to Ann Doe, 9 Elm St, Dallas/);
    expect(mapOrderToOmsOrder('s', { ...order, statusId: 5 }).status).toBe('cancelled');
  });

  it('is pure: same input, same output, input untouched', () => {
    const order = bcOrder();
    const before = JSON.stringify(order);
    expect(mapOrderToOmsOrder('s', order, { skuMap: { 'PACK-22': 'P' } })).toEqual(mapOrderToOmsOrder('s', order, { skuMap: { 'PACK-22': 'P' } }));
    expect(JSON.stringify(order)).toBe(before);
  });
});

describe('OMS order -> ShipStation Order model', () => {
  it('sends Pacific dates without offset, US state codes, money as numbers, and null for empty strings', () => {
    const body = toShipStationOrder(mapOrderToOmsOrder('s', bcOrder({ dateCreated: '2024-07-01T15:30:00.000Z' })));
    expect(body.orderDate).toBe('2024-07-01T08:30:00.0000000');
    expect(body.paymentDate).toBe('2024-07-01T08:30:00.0000000');
    expect(body.shipTo).toEqual({
      name: 'Joe Doe',
      company: null,
      street1: '1 Ship Lane',
      street2: null,
      street3: null,
      city: 'Austin',
      state: 'TX',
      postalCode: '78108',
      country: 'US',
      phone: '5125550100',
    });
    expect(body.items[1]).toEqual({ lineItemKey: '2', sku: 'JKT-RDG-M', name: 'Ridge Rain Jacket M', quantity: 1, unitPrice: 22.68, adjustment: false });
    expect(body).toMatchObject({
      orderStatus: 'awaiting_shipment',
      amountPaid: 88.24,
      taxAmount: 5.97,
      shippingAmount: 12.59,
      customerEmail: 'janedoe@example.com',
      requestedShippingService: 'UPS Ground',
    });
    const winter = toShipStationOrder(mapOrderToOmsOrder('s', bcOrder({ dateCreated: '2024-01-15T18:00:00.000Z' })));
    expect(winter.orderDate).toBe('2024-01-15T10:00:00.0000000');
    const abroad = toShipStationOrder(
      mapOrderToOmsOrder('s', bcOrder({ shipping: [{ id: 7, address: address({ countryIso2: 'CA', state: 'Ontario' }), method: 'x', lineIds: [1] }] })),
    );
    expect(abroad.shipTo.state).toBe('Ontario');
  });
});
