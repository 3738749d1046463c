import type { Address, BcOrder } from '../../domain/orders/order';
import type { BcRefund } from '../../domain/refunds/refund';
import type { ErpRefund } from '../../domain/refunds/erp-refund';
import type { CatalogItem } from '../../domain/catalog/item';
import type { StubCall } from '../support/workflow-env';

/** Data the stubbed activities answer with: small, made up, in the product's own model types. */

const address: Address = {
  firstName: 'Jane',
  lastName: 'Doe',
  company: '',
  street1: '1 Trail Road',
  street2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78701',
  countryIso2: 'US',
  phone: '5125550100',
  email: 'jane@example.com',
};

/** Order 100: paid, awaiting fulfilment, two units of PACK-22 at 20.00, no tax, no shipping: 40.00. */
export function bcOrder(overrides: Partial<BcOrder> = {}): BcOrder {
  return {
    id: 100,
    statusId: 11,
    status: 'Awaiting Fulfillment',
    paymentStatus: 'captured',
    paymentMethod: 'Cash',
    customerId: 11,
    currency: 'USD',
    dateCreated: '2026-01-05T10:00:00.000Z',
    dateModified: '2026-01-05T10:00:00.000Z',
    billingAddress: address,
    shipping: [{ id: 7, address, method: 'UPS Ground', lineIds: [1] }],
    lines: [
      {
        id: 1,
        kind: 'physical',
        productId: 111,
        variantId: null,
        sku: 'PACK-22',
        name: 'Trailhead Daypack 22L',
        quantity: 2,
        unitPriceExTax: '20.0000',
        totalExTax: '40.0000',
        totalTax: '0.0000',
      },
    ],
    subtotalExTax: '40.0000',
    shippingExTax: '0.0000',
    handlingExTax: '0.0000',
    wrappingExTax: '0.0000',
    discount: '0.0000',
    totalTax: '0.0000',
    totalIncTax: '40.0000',
    totalExTax: '40.0000',
    fees: [],
    customerMessage: '',
    isDeleted: false,
    ...overrides,
  };
}

/** Refund 7 of order 100: one unit of line 1 back, 20.00, paid back (not declined). */
export function bcRefund(overrides: Partial<BcRefund> = {}): BcRefund {
  return {
    id: 7,
    orderId: 100,
    created: '2026-01-06T09:00:00.000Z',
    reason: 'Customer return',
    totalAmount: '20.0000',
    totalTax: '0.0000',
    items: [{ itemType: 'PRODUCT', itemId: 1, quantity: 1, reason: '' }],
    payments: [{ id: 1, providerId: 'storecredit', amount: '20.0000', offline: false, isDeclined: false, declinedMessage: '' }],
    ...overrides,
  };
}

/** ERP cash refund 900 (CR900) against order 100 of `storeHash`: one unit of line 1. */
export function erpRefund(storeHash: string, overrides: Partial<ErpRefund> = {}): ErpRefund {
  return {
    recordType: 'cashRefund',
    recordId: '900',
    tranId: 'CR900',
    salesOrderExternalId: `bc-${storeHash}-100`,
    authorized: true,
    status: 'Deposited',
    lines: [{ lineId: 1, sku: 'PACK-22', description: 'Trailhead Daypack 22L', quantity: 1, amount: '20.0000' }],
    shippingAmount: '0.0000',
    total: '20.0000',
    goodsReceived: null,
    bcRefundId: null,
    memo: '',
    ...overrides,
  };
}

/** A plain ERP item (no matrix, no price levels) that BigCommerce does not have yet. */
export function catalogItem(sku: string, erpId: number, overrides: Partial<CatalogItem> = {}): CatalogItem {
  return {
    erpId: String(erpId),
    sku,
    name: `Item ${sku}`,
    description: `<p>${sku}</p>`,
    weight: 1,
    active: true,
    matrix: null,
    parentSku: null,
    options: [],
    price: 10,
    levelPrices: {},
    modifiedMs: Date.parse('2026-01-05T10:00:00.000Z') + erpId,
    ...overrides,
  };
}

/** The names of the calls, in order: what the workflow asked of the outside world. */
export const names = (calls: StubCall[]): string[] => calls.map((c) => c.name);

/** The arguments of every call of one activity, in order. */
export const argsOf = (calls: StubCall[], name: string): unknown[][] => calls.filter((c) => c.name === name).map((c) => c.args);
