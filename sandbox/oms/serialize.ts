import { DEFAULT_WAREHOUSE_ID, type SsOrder, type SsOrderItem, type SsShipment } from './state';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A stable GUID for the sandbox's one ShipStation user (who "created" every label). */
const SANDBOX_USER_ID = '5bcd6a1e-0a2b-4c3d-8e9f-0123456789ab';

/**
 * The Order model as ShipStation returns it (createorder, GET /orders/{id}, GET /orders). Fields the
 * order does not have are null, not absent, as in ShipStation's examples (`customerId: null`,
 * `holdUntilDate: null`). `orderTotal` is computed: items + tax + shipping.
 */
export function orderResponse(o: SsOrder): Record<string, unknown> {
  const itemsTotal = o.items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0);
  return {
    orderId: o.orderId,
    orderNumber: o.orderNumber,
    orderKey: o.orderKey,
    orderDate: o.orderDate,
    createDate: o.createDate,
    modifyDate: o.modifyDate,
    paymentDate: o.paymentDate,
    shipByDate: o.shipByDate,
    orderStatus: o.orderStatus,
    // ShipStation matches orders to its customer records later; API-created orders answer null.
    customerId: null,
    customerUsername: o.customerUsername,
    customerEmail: o.customerEmail,
    billTo: o.billTo,
    shipTo: o.shipTo,
    items: o.items.map(itemResponse),
    orderTotal: round2(itemsTotal + o.taxAmount + o.shippingAmount),
    amountPaid: o.amountPaid,
    taxAmount: o.taxAmount,
    shippingAmount: o.shippingAmount,
    customerNotes: o.customerNotes,
    internalNotes: o.internalNotes,
    gift: o.gift,
    giftMessage: o.giftMessage,
    paymentMethod: o.paymentMethod,
    requestedShippingService: o.requestedShippingService,
    carrierCode: o.carrierCode,
    serviceCode: o.serviceCode,
    packageCode: o.packageCode,
    confirmation: o.confirmation,
    shipDate: o.shipDate,
    holdUntilDate: null,
    weight: o.weight,
    dimensions: o.dimensions,
    insuranceOptions: { provider: null, insureShipment: false, insuredValue: 0 },
    internationalOptions: { contents: null, customsItems: null, nonDelivery: null },
    advancedOptions: {
      warehouseId: DEFAULT_WAREHOUSE_ID,
      nonMachinable: false,
      saturdayDelivery: false,
      containsAlcohol: false,
      mergedOrSplit: false,
      mergedIds: [],
      parentId: null,
      storeId: o.storeId,
      ...o.customFields,
      billToParty: null,
      billToAccount: null,
      billToPostalCode: null,
      billToCountryCode: null,
    },
    tagIds: null,
    userId: null,
    externallyFulfilled: false,
    externallyFulfilledBy: null,
  };
}

function itemResponse(i: SsOrderItem): Record<string, unknown> {
  return { ...i };
}

/**
 * The Shipment model (GET /shipments). `shipmentItems` is null unless the request asked for
 * `includeShipmentItems=true` (FACTS.md section 3: a SHIP_NOTIFY resource_url has no items without it).
 */
export function shipmentResponse(s: SsShipment, includeItems: boolean): Record<string, unknown> {
  return {
    shipmentId: s.shipmentId,
    orderId: s.orderId,
    orderKey: s.orderKey,
    userId: SANDBOX_USER_ID,
    customerEmail: null,
    orderNumber: s.orderNumber,
    createDate: s.createDate,
    shipDate: s.shipDate,
    shipmentCost: 7.3,
    insuranceCost: 0,
    trackingNumber: s.trackingNumber,
    isReturnLabel: false,
    batchNumber: String(s.batchId),
    carrierCode: s.carrierCode,
    serviceCode: s.serviceCode,
    packageCode: 'package',
    confirmation: 'none',
    warehouseId: DEFAULT_WAREHOUSE_ID,
    voided: s.voided,
    voidDate: s.voidDate,
    marketplaceNotified: false,
    notifyErrorMessage: null,
    shipTo: s.shipTo,
    weight: { value: 16, units: 'ounces' },
    dimensions: null,
    insuranceOptions: { provider: null, insureShipment: false, insuredValue: 0 },
    advancedOptions: null,
    shipmentItems: includeItems
      ? s.items.map((i) => ({
          orderItemId: i.orderItemId,
          lineItemKey: i.lineItemKey,
          sku: i.sku,
          name: i.name,
          imageUrl: null,
          weight: null,
          quantity: i.quantity,
          unitPrice: i.unitPrice,
          warehouseLocation: null,
          options: null,
          productId: i.productId,
          fulfillmentSku: null,
        }))
      : null,
    labelData: null,
    formData: null,
  };
}
