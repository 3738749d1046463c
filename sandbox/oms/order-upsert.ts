import { randomUUID } from 'node:crypto';
import type { OmsContext } from './context';
import { SsRequestError } from './errors';
import { orderBody, toModelState, type AddressBody, type OrderBody } from './order-body';
import { pacificDateTime, toPacificDateTime } from './pacific-time';
import { threePlRejection } from './rules';
import { DEFAULT_STORE_ID, type SsAddress, type SsOrder, type SsOrderItem } from './state';

/** Only open orders can be changed through the API (create/update order page). */
const LOCKED = new Set(['shipped', 'cancelled']);

/**
 * `POST /orders/createorder` for one order body: create, or replace the order with the same
 * orderKey. Throws SsRequestError with ShipStation's status and body when the order is refused.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/orders/create-update-order
 */
export function upsertOrder(ctx: OmsContext, raw: unknown): SsOrder {
  const parsed = orderBody.safeParse(raw);
  if (!parsed.success) throw new SsRequestError(400, 'The request is invalid.', toModelState(parsed.error));
  const body = parsed.data;
  const dates = parseDates(body);

  const orderKey = body.orderKey ?? randomUUID();
  const existing = Object.values(ctx.data.orders).find((o) => o.orderKey === orderKey);
  if (existing && LOCKED.has(existing.orderStatus)) {
    // Undocumented what ShipStation answers here; a 400 with the reason is what clients can act on.
    throw new SsRequestError(
      400,
      `The order with orderKey ${orderKey} is ${existing.orderStatus} and cannot be updated through the API; only awaiting_payment, awaiting_shipment and on_hold orders can be updated.`,
    );
  }
  const rejection = threePlRejection(ctx.data, body);
  if (rejection) throw new SsRequestError(400, rejection);

  const stamp = pacificDateTime(ctx.now());
  const order: SsOrder = {
    orderId: existing?.orderId ?? ctx.data.nextIds.order++,
    orderNumber: body.orderNumber,
    orderKey,
    orderDate: dates.orderDate,
    createDate: existing?.createDate ?? stamp,
    modifyDate: stamp,
    paymentDate: dates.paymentDate,
    shipByDate: dates.shipByDate,
    orderStatus: body.orderStatus,
    customerUsername: body.customerUsername ?? null,
    customerEmail: body.customerEmail ?? null,
    billTo: toAddress(body.billTo, false),
    shipTo: toAddress(body.shipTo, true),
    items: toItems(ctx, body, existing, stamp),
    amountPaid: body.amountPaid ?? 0,
    taxAmount: body.taxAmount ?? 0,
    shippingAmount: body.shippingAmount ?? 0,
    customerNotes: body.customerNotes ?? null,
    internalNotes: body.internalNotes ?? null,
    gift: body.gift ?? false,
    giftMessage: body.giftMessage ?? null,
    paymentMethod: body.paymentMethod ?? null,
    requestedShippingService: body.requestedShippingService ?? null,
    carrierCode: body.carrierCode ?? null,
    serviceCode: body.serviceCode ?? null,
    packageCode: body.packageCode ?? null,
    confirmation: body.confirmation ?? null,
    shipDate: dates.shipDate,
    weight: body.weight ? { value: body.weight.value, units: body.weight.units } : { value: 0, units: 'ounces' },
    dimensions: body.dimensions ?? null,
    storeId: body.advancedOptions?.storeId ?? existing?.storeId ?? DEFAULT_STORE_ID,
    customFields: {
      customField1: body.advancedOptions?.customField1 ?? null,
      customField2: body.advancedOptions?.customField2 ?? null,
      customField3: body.advancedOptions?.customField3 ?? null,
      source: body.advancedOptions?.source ?? null,
    },
    // A soft-deleted order stays inactive when it is written again (undocumented; chosen).
    active: existing?.active ?? true,
  };
  ctx.data.orders[String(order.orderId)] = order;
  ctx.data.writes[orderKey] = (ctx.data.writes[orderKey] ?? 0) + 1;
  ctx.changed();
  return order;
}

function parseDates(body: OrderBody): { orderDate: string; paymentDate: string | null; shipByDate: string | null; shipDate: string | null } {
  const errors: Record<string, string[]> = {};
  const read = (field: 'orderDate' | 'paymentDate' | 'shipByDate' | 'shipDate'): string | null => {
    const value = body[field];
    if (value === undefined || value === null || value === '') return null;
    const pacific = toPacificDateTime(value);
    if (pacific === undefined) errors[`order.${field}`] = [`The value '${value}' is not valid for ${field}.`];
    return pacific ?? null;
  };
  const orderDate = read('orderDate');
  const result = { paymentDate: read('paymentDate'), shipByDate: read('shipByDate'), shipDate: read('shipDate') };
  if (orderDate === null && !errors['order.orderDate']) errors['order.orderDate'] = ['The orderDate field is required.'];
  if (Object.keys(errors).length) throw new SsRequestError(400, 'The request is invalid.', errors);
  // A ship date is a calendar date in ShipStation's answers ("2015-07-02").
  return { orderDate: orderDate!, ...result, shipDate: result.shipDate ? result.shipDate.slice(0, 10) : null };
}

function toAddress(a: AddressBody, isShipTo: boolean): SsAddress {
  return {
    name: a.name ?? null,
    company: a.company ?? null,
    street1: a.street1 ?? null,
    street2: a.street2 ?? null,
    street3: a.street3 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postalCode: a.postalCode ?? null,
    country: a.country ?? null,
    phone: a.phone ?? null,
    // ShipStation validates ship-to addresses itself; the sandbox never does, and says so.
    residential: a.residential ?? (isShipTo ? false : null),
    addressVerified: isShipTo ? 'Address not yet validated' : null,
  };
}

/**
 * The whole item list is replaced on every write (no partial updates). An item that keeps its
 * lineItemKey keeps its orderItemId, so shipments already made still point at it.
 */
function toItems(ctx: OmsContext, body: OrderBody, existing: SsOrder | undefined, stamp: string): SsOrderItem[] {
  return (body.items ?? []).map((i) => {
    const before = i.lineItemKey ? existing?.items.find((e) => e.lineItemKey === i.lineItemKey) : undefined;
    const skuIndex = i.sku ? ctx.data.knownSkus.indexOf(i.sku) : -1;
    return {
      orderItemId: before?.orderItemId ?? ctx.data.nextIds.item++,
      lineItemKey: i.lineItemKey ?? null,
      sku: i.sku ?? null,
      name: i.name ?? null,
      imageUrl: i.imageUrl ?? null,
      weight: i.weight ? { value: i.weight.value, units: i.weight.units } : null,
      quantity: i.quantity,
      unitPrice: i.unitPrice ?? 0,
      taxAmount: i.taxAmount ?? null,
      shippingAmount: i.shippingAmount ?? null,
      warehouseLocation: i.warehouseLocation ?? null,
      options: i.options ?? [],
      // ShipStation links items to its product catalog by SKU; here the 3PL's SKU list is the catalog.
      productId: i.productId ?? (skuIndex >= 0 ? 7_000_000 + skuIndex : null),
      fulfillmentSku: i.fulfillmentSku ?? null,
      adjustment: i.adjustment ?? false,
      upc: i.upc ?? null,
      createDate: before?.createDate ?? stamp,
      modifyDate: stamp,
    };
  });
}
