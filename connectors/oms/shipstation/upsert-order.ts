import { moneyToNumber } from '../../../domain/shared/money';
import type { OmsOrder } from '../../../domain/orders/oms-order';
import type { Address } from '../../../domain/orders/order';
import type { ShipStationClient } from './client';
import { OmsError } from './errors';
import { findOrderByKey } from './find-order';
import { toPacificLocal } from './pacific-time';
import { ssOrder, type SsOrder } from './schemas';
import { stateCode } from './us-states';

const orNull = (s: string) => (s.trim() ? s : null);

const toShipStationAddress = (a: Address) => ({
  name: `${a.firstName} ${a.lastName}`.trim() || null,
  company: orNull(a.company),
  street1: orNull(a.street1),
  street2: orNull(a.street2),
  street3: null,
  city: orNull(a.city),
  state: orNull(stateCode(a.countryIso2, a.state)),
  postalCode: orNull(a.zip),
  country: orNull(a.countryIso2),
  phone: orNull(a.phone),
});

/**
 * Our OMS order -> ShipStation's Order model. The whole order, every time: createorder has no
 * partial updates, so a field left out is cleared (FACTS.md section 3). That also means a field
 * someone set in ShipStation's UI (weights, carrier, tags) is overwritten by our next update;
 * the workflow only sends when our order changed.
 * Dates go as Pacific wall-clock time without offset, the way ShipStation reads them.
 */
export function toShipStationOrder(order: OmsOrder, contentFingerprint?: string) {
  return {
    orderNumber: order.orderNumber.slice(0, 50), // "max-length: 50"
    orderKey: order.orderKey,
    orderDate: toPacificLocal(order.orderDate),
    paymentDate: order.paymentDate ? toPacificLocal(order.paymentDate) : null,
    orderStatus: order.status,
    customerUsername: orNull(order.customerEmail),
    customerEmail: orNull(order.customerEmail),
    billTo: toShipStationAddress(order.billTo),
    shipTo: toShipStationAddress(order.shipTo),
    items: order.items.map((i) => ({
      lineItemKey: i.lineItemKey,
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPrice: moneyToNumber(i.unitPrice),
      adjustment: false,
    })),
    amountPaid: moneyToNumber(order.amountPaid),
    taxAmount: moneyToNumber(order.taxAmount),
    shippingAmount: moneyToNumber(order.shippingAmount),
    customerNotes: orNull(order.customerNotes),
    internalNotes: orNull(order.internalNotes),
    requestedShippingService: orNull(order.requestedShippingService),
    gift: false,
    // createorder replaces the whole order, custom fields included: customField3 carries what we
    // wrote, so a retry can tell its own write already landed (activities/orders/oms.ts).
    ...(contentFingerprint ? { advancedOptions: { customField3: `${FINGERPRINT_PREFIX}${contentFingerprint}` } } : {}),
  };
}

/** How our content fingerprint is marked in `advancedOptions.customField3`. */
export const FINGERPRINT_PREFIX = 'bcsync:';

export interface OmsUpsertResult {
  orderId: number;
  orderKey: string;
  orderStatus: SsOrder['orderStatus'];
}

const LOCKED = new Set(['shipped', 'cancelled']);

/**
 * Create or replace the order by its orderKey: `POST /orders/createorder`. Idempotent by orderKey,
 * so a retry after a timeout cannot create a second order.
 * https://docs.shipstation.com/apis/shipstation-v1/docs/orders/create-update-order
 *
 * Shipped and cancelled orders are locked against API updates. ShipStation does not document how
 * it answers such a write, so both plausible answers are handled: a refusal (then the order is
 * looked up to tell "locked" from any other 400) and a 200 that returns the order unchanged.
 * Either way the caller gets OmsError kind `locked` with the order's status.
 */
export async function upsertOmsOrder(client: ShipStationClient, order: OmsOrder, contentFingerprint?: string): Promise<OmsUpsertResult> {
  let saved: SsOrder;
  try {
    const res = await client.request({ method: 'POST', path: '/orders/createorder', body: toShipStationOrder(order, contentFingerprint) }, ssOrder);
    if (!res.data) throw new OmsError('bad_response', `createorder ${order.orderKey} answered ${res.status} without an order`, { status: res.status });
    saved = res.data;
  } catch (err) {
    if (err instanceof OmsError && err.kind === 'validation') throw await lockedOr(client, order, err);
    throw err;
  }
  if (saved.orderKey !== order.orderKey) {
    throw new OmsError('bad_response', `createorder for ${order.orderKey} answered with order ${saved.orderId} keyed ${saved.orderKey}`);
  }
  if (LOCKED.has(saved.orderStatus) && saved.orderStatus !== order.status) throw lockedError(order, saved);
  return { orderId: saved.orderId, orderKey: saved.orderKey, orderStatus: saved.orderStatus };
}

async function lockedOr(client: ShipStationClient, order: OmsOrder, refusal: OmsError): Promise<OmsError> {
  const existing = await findOrderByKey(client, order.orderNumber, order.orderKey).catch(() => undefined);
  return existing && LOCKED.has(existing.orderStatus) ? lockedError(order, existing, refusal) : refusal;
}

function lockedError(order: OmsOrder, existing: SsOrder, cause?: unknown): OmsError {
  return new OmsError(
    'locked',
    `ShipStation order ${existing.orderId} (${order.orderKey}) is ${existing.orderStatus}: it can no longer be changed through the API`,
    { orderStatus: existing.orderStatus, orderId: existing.orderId },
    { cause },
  );
}
