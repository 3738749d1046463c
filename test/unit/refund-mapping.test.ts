import { describe, expect, it } from 'vitest';
import { mapRefundToCreditMemo } from '../../domain/refunds/map-refund-to-credit-memo';
import { toUnits } from '../../domain/shared/money';
import type { BcOrder } from '../../domain/orders/order';
import type { BcRefund } from '../../domain/refunds/refund';

const address = {
  firstName: 'Ada',
  lastName: 'L',
  company: '',
  street1: '1 Main',
  street2: '',
  city: 'X',
  state: 'CA',
  zip: '1',
  country: 'US',
  countryIso2: 'US',
  email: 'a@b.c',
  phone: '',
};
const order: BcOrder = {
  id: 218,
  statusId: 11,
  status: 'Awaiting Fulfillment',
  paymentStatus: 'captured',
  paymentMethod: 'Cash',
  customerId: 0,
  currency: 'USD',
  dateCreated: '2026-11-27T10:00:00.000Z',
  dateModified: '2026-11-27T10:00:00.000Z',
  billingAddress: address,
  shipping: [],
  lines: [
    { id: 1, productId: 10, variantId: null, sku: 'PACK-22', name: 'Pack', quantity: 3, unitPriceExTax: '33.3333', totalExTax: '100.0000', totalTax: '8.0000' },
    { id: 2, productId: 11, variantId: null, sku: 'SOCK-MER', name: 'Socks', quantity: 1, unitPriceExTax: '12.0000', totalExTax: '12.0000', totalTax: '0.9600' },
  ],
  subtotalExTax: '112.0000',
  shippingExTax: '10.0000',
  handlingExTax: '0.0000',
  wrappingExTax: '0.0000',
  discount: '0.0000',
  totalTax: '8.9600',
  totalIncTax: '130.9600',
  customerMessage: '',
  isDeleted: false,
};
const refund = (over: Partial<BcRefund>): BcRefund => ({
  id: 7,
  orderId: 218,
  created: '2026-11-28T09:00:00Z',
  reason: 'damaged',
  totalAmount: '0',
  totalTax: '0',
  items: [],
  payments: [],
  ...over,
});
const sum = (lines: Array<{ amount: string }>) => lines.reduce((s, l) => s + toUnits(l.amount), 0);

describe('BigCommerce refund -> ERP credit memo', () => {
  it('refunds units at their share of the sales-order line, the tax on its own line, and totals exactly the refund', () => {
    // 1 of 3 packs: 100 / 3 = 33.3333 before tax; BigCommerce refunded 36.00 of which 2.67 tax.
    const memo = mapRefundToCreditMemo('abc', order, refund({ totalAmount: '36.0000', totalTax: '2.6700', items: [{ itemType: 'PRODUCT', itemId: 1, quantity: 1, reason: '' }] }));
    expect(memo.externalId).toBe('bc-abc-refund-7');
    expect(memo.salesOrderExternalId).toBe('bc-abc-218');
    expect(memo.customerExternalId).toBe('bc-abc-guest');
    expect(memo.lines).toEqual([
      { kind: 'product', sku: 'PACK-22', description: 'Pack', quantity: 1, amount: '33.3333', sourceLineId: 1 },
      { kind: 'tax', sku: null, description: expect.any(String), quantity: 1, amount: '2.6700', sourceLineId: null },
      // 36.00 - 33.3333 - 2.67: the rounding BigCommerce did, kept so the totals agree.
      { kind: 'adjustment', sku: null, description: 'Refund rounding', quantity: 1, amount: '-0.0033', sourceLineId: null },
    ]);
    expect(sum(memo.lines)).toBe(toUnits('36.0000'));
    expect(memo.memo).toBe('BigCommerce refund #7 of order #218. damaged');
  });

  it('a refunded gift certificate (no ERP item to return) and gift wrapping land on the adjustment line, totals exact', () => {
    const withGift: BcOrder = {
      ...order,
      lines: [
        ...order.lines,
        {
          id: 3,
          kind: 'giftCertificate',
          productId: 0,
          variantId: null,
          sku: '',
          name: '$25.00 Gift Certificate',
          quantity: 1,
          unitPriceExTax: '25.0000',
          totalExTax: '25.0000',
          totalTax: '0.0000',
        },
      ],
    };
    const memo = mapRefundToCreditMemo(
      'abc',
      withGift,
      refund({
        totalAmount: '28.0000',
        totalTax: '0.0000',
        items: [
          { itemType: 'PRODUCT', itemId: 3, quantity: 1, reason: '' },
          { itemType: 'GIFT_WRAPPING', itemId: 1, quantity: null, reason: '' },
        ],
      }),
    );
    expect(memo.lines.map((l) => [l.kind, l.sku, l.amount, l.description])).toEqual([['adjustment', null, '28.0000', 'Refunded gift certificate or custom line, gift wrapping']]);
    expect(sum(memo.lines)).toBe(toUnits('28.0000'));
  });

  it('amount-only items (shipping, a goodwill ORDER amount) land on one adjustment line named after them', () => {
    const memo = mapRefundToCreditMemo(
      'abc',
      order,
      refund({
        totalAmount: '15.0000',
        totalTax: '0.8000',
        items: [
          { itemType: 'SHIPPING', itemId: 5, quantity: null, reason: '' },
          { itemType: 'ORDER', itemId: 218, quantity: null, reason: 'late' },
        ],
      }),
    );
    expect(memo.lines.map((l) => [l.kind, l.amount, l.description])).toEqual([
      ['tax', '0.8000', expect.any(String)],
      ['adjustment', '14.2000', 'Refunded shipping, order'],
    ]);
    expect(sum(memo.lines)).toBe(toUnits('15.0000'));
    expect(memo.memo).toContain('late');
  });

  it('a whole line refunded gives the line its full amount; an unknown order product is an error, not a guess', () => {
    const memo = mapRefundToCreditMemo('abc', order, refund({ totalAmount: '12.9600', totalTax: '0.9600', items: [{ itemType: 'PRODUCT', itemId: 2, quantity: 1, reason: '' }] }));
    expect(memo.lines).toHaveLength(2);
    expect(memo.lines[0]!.amount).toBe('12.0000');
    expect(() => mapRefundToCreditMemo('abc', order, refund({ totalAmount: '1', items: [{ itemType: 'PRODUCT', itemId: 99, quantity: 1, reason: '' }] }))).toThrow(
      /order product 99/,
    );
  });
});
