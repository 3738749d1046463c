import { describe, expect, it } from 'vitest';
import { erpOriginOf, erpRefundMarker, ErpRefundMappingError, findRefundFor, mapErpRefundToBcItems, orderIdOfSalesOrder, type ErpRefund } from '../../domain/refunds/erp-refund';
import type { BcOrder } from '../../domain/orders/order';
import type { BcRefund } from '../../domain/refunds/refund';

const address = { firstName: 'Ada', lastName: 'L', company: '', street1: '1 Main', street2: '', city: 'X', state: 'CA', zip: '1', countryIso2: 'US', email: 'a@b.c', phone: '' };
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
  shipping: [{ id: 31, address, method: 'UPS Ground', lineIds: [1, 2] }],
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

const erpRefund = (over: Partial<ErpRefund> = {}): ErpRefund => ({
  recordType: 'cashRefund',
  recordId: '1005',
  tranId: 'CR1005',
  salesOrderExternalId: 'bc-abc-218',
  authorized: true,
  status: 'Refunded',
  lines: [],
  shippingAmount: '0.0000',
  total: '0.0000',
  goodsReceived: null,
  bcRefundId: null,
  memo: '',
  ...over,
});
const bcRefund = (id: number, reason: string, itemReasons: string[] = []): BcRefund => ({
  id,
  orderId: 218,
  created: '2026-11-28T09:00:00Z',
  reason,
  totalAmount: '10.0000',
  totalTax: '0.0000',
  items: itemReasons.map((r) => ({ itemType: 'PRODUCT', itemId: 1, quantity: 1, reason: r })),
  payments: [],
});

describe('ERP refund -> BigCommerce refund items', () => {
  it('goods lines become PRODUCT units of the order line they name, shipping a SHIPPING amount, each with our marker', () => {
    const items = mapErpRefundToBcItems(
      erpRefund({
        lines: [
          { lineId: 1, sku: 'PACK-22', description: 'Pack', quantity: 1, amount: '33.3300' },
          { lineId: 1, sku: 'PACK-22', description: 'Pack', quantity: 1, amount: '33.3300' },
          { lineId: 2, sku: 'SOCK-MER', description: 'Socks', quantity: 1, amount: '12.0000' },
        ],
        shippingAmount: '9.5000',
      }),
      order,
    );
    const reason = 'Refund CR1005 from the ERP [bcsync cashRefund 1005]';
    expect(items).toEqual([
      // Two ERP lines on the same order line: one item, units added up.
      { itemType: 'PRODUCT', itemId: 1, quantity: 2, reason },
      { itemType: 'PRODUCT', itemId: 2, quantity: 1, reason },
      { itemType: 'SHIPPING', itemId: 31, amount: '9.5000', reason },
    ]);
  });

  it('lines that are not goods become one ORDER amount; a return says so in the reason', () => {
    const items = mapErpRefundToBcItems(
      erpRefund({
        recordType: 'returnAuthorization',
        recordId: '77',
        tranId: 'RMA77',
        lines: [
          { lineId: null, sku: 'goodwill', description: 'Sorry', quantity: 1, amount: '5.0000' },
          { lineId: null, sku: 'goodwill', description: 'More', quantity: 1, amount: '2.5000' },
        ],
      }),
      order,
    );
    expect(items).toEqual([{ itemType: 'ORDER', itemId: 218, amount: '7.5000', reason: 'Return RMA77 from the ERP [bcsync returnAuthorization 77]' }]);
  });

  it('refuses what BigCommerce could not refund as the ERP asks', () => {
    const bad = (over: Partial<ErpRefund>) => () => mapErpRefundToBcItems(erpRefund(over), order);
    expect(bad({ lines: [{ lineId: 9, sku: 'X', description: '', quantity: 1, amount: '1' }] })).toThrow(/order product 9/);
    expect(bad({ lines: [{ lineId: 1, sku: 'PACK-22', description: '', quantity: 4, amount: '1' }] })).toThrow(/order 218 has 3/);
    expect(bad({ lines: [{ lineId: 1, sku: 'PACK-22', description: '', quantity: 1.5, amount: '1' }] })).toThrow(/whole units/);
    expect(bad({ lines: [{ lineId: null, sku: 'fee', description: '', quantity: 1, amount: '-3' }] })).toThrow(/fees taken off/);
    expect(bad({})).toThrow(ErpRefundMappingError);
    expect(() => mapErpRefundToBcItems(erpRefund({ shippingAmount: '5' }), { ...order, shipping: [] })).toThrow(/no shipping address/);
  });
});

describe('finding the BigCommerce refund we already made', () => {
  it('matches our marker exactly, in the refund reason or an item reason', () => {
    const refunds = [
      bcRefund(1, 'damaged in transit'),
      bcRefund(2, '', ['Refund CR10050 from the ERP [bcsync cashRefund 10050]']),
      bcRefund(3, 'Return RMA1005 from the ERP [bcsync returnAuthorization 1005]'),
      bcRefund(4, '', ['Refund CR1005 from the ERP [bcsync cashRefund 1005]']),
    ];
    expect(findRefundFor(refunds, 'cashRefund', '1005')?.id).toBe(4);
    expect(findRefundFor(refunds, 'returnAuthorization', '1005')?.id).toBe(3);
    expect(findRefundFor(refunds, 'cashRefund', '1006')).toBeUndefined();
    expect(erpOriginOf(refunds[0]!)).toBeNull();
    expect(erpOriginOf(refunds[1]!)).toEqual({ recordType: 'cashRefund', recordId: '10050' });
    expect(erpRefundMarker('cashRefund', '1005')).toBe('[bcsync cashRefund 1005]');
  });

  it("knows our sales orders by external id, and only this store's", () => {
    expect(orderIdOfSalesOrder('abc', 'bc-abc-218')).toBe(218);
    expect(orderIdOfSalesOrder('abc', 'bc-abcd-218')).toBeNull();
    expect(orderIdOfSalesOrder('abc', 'bc-abc-refund-7')).toBeNull();
  });
});
