/**
 * The sandboxes' own records of one order, compared field by field with what the order in
 * BigCommerce says they must hold. Nothing here asks the product: it is the independent witness the
 * benches judge an order sync with (lost orders, field mismatches, extra writes, extra shipments).
 */

import type { Json } from '../../test/support/json';

const CANCELLED = new Set([5, 6]);
const cents = (v: unknown): number => Math.round(Number(v) * 100);

export interface OrderRecords {
  /** GET /v2/orders/{id}?include=consignments.line_items,fees&consignment_structure=object */
  bc: Json;
  /** GET /v3/orders/{id}/metafields `data` */
  metafields: Json[];
  /** GET /v2/orders/{id}/shipments (204: []) */
  bcShipments: Json[];
  /** The ERP's record as its REST API answers it (expandSubResources), or undefined. */
  erp: Json | undefined;
  /** ERP sandbox write counter for the sales order (upserts and patches). */
  erpWrites: number;
  /** The OMS sandbox's order with this orderKey, or undefined. */
  oms: Json | undefined;
  /** OMS sandbox accepted createorder writes for the orderKey. */
  omsWrites: number;
  /** The OMS's shipments of the order, voided included. */
  omsShipments: Json[];
}

export interface OrderExpectation {
  storeHash: string;
  /** The bench paid the order at some point (at creation or later): the OMS must have had it. */
  wasPaid: boolean;
}

export interface OrderVerdict {
  lost: boolean;
  /** `field: why` for every field that differs. */
  mismatches: string[];
  extraErpWrites: number;
  extraOmsWrites: number;
  extraShipments: number;
}

const allLines = (bc: Json): Json[] => {
  const c = bc.consignments ?? {};
  return [
    ...(c.shipping ?? []).flatMap((s: Json) => s.line_items ?? []),
    ...(c.pickups ?? []).flatMap((s: Json) => s.line_items ?? []),
    ...(c.downloads ?? []).flatMap((s: Json) => s.line_items ?? []),
    ...(c.email?.gift_certificates ?? []).flatMap((s: Json) => s.line_items ?? []),
  ];
};

/** The ERP item a BigCommerce line must be booked on (see connectors/erp/netsuite/upsert-sales-order.ts's charge items). */
const erpItemOf = (line: Json): string => (line.type === 'giftcertificate' ? 'bcsync-gift-certificate' : line.sku ? line.sku : 'bcsync-non-inventory');

export function judgeOrder(r: OrderRecords, e: OrderExpectation): OrderVerdict {
  const m: string[] = [];
  const bc = r.bc;
  const cancelled = CANCELLED.has(bc.status_id);
  const physical = (bc.consignments?.shipping ?? []).flatMap((s: Json) => s.line_items ?? []);
  let lost = false;

  // ERP: every order but one cancelled before it was ever synced.
  if (!r.erp) {
    if (!cancelled) {
      lost = true;
      m.push('erp: no sales order');
    }
  } else {
    const erp = r.erp;
    if (cents(erp.total) !== cents(bc.total_inc_tax)) m.push(`erp.total: ${erp.total} vs total_inc_tax ${bc.total_inc_tax}`);
    const lines: Json[] = erp.item?.items ?? [];
    for (const l of allLines(bc)) {
      const mine = lines.find((x) => x.custcol_bcsync_line_id === String(l.id));
      if (!mine) m.push(`erp.line ${l.id}: missing`);
      else if (mine.item?.externalId !== erpItemOf(l) || mine.quantity !== l.quantity || cents(mine.amount) !== cents(l.total_ex_tax))
        m.push(`erp.line ${l.id}: ${mine.item?.externalId} x${mine.quantity} ${mine.amount} vs ${erpItemOf(l)} x${l.quantity} ${l.total_ex_tax}`);
    }
    for (const f of bc.fees ?? []) {
      const mine = lines.find((x) => x.custcol_bcsync_line_id === `fee-${f.id}`);
      if (!mine || cents(mine.amount) !== cents(f.cost_ex_tax)) m.push(`erp.fee ${f.id}: ${mine?.amount ?? 'missing'} vs ${f.cost_ex_tax}`);
    }
    const closed = lines.length > 0 && lines.every((l) => l.isClosed);
    if (closed !== cancelled) m.push(`erp.closed: ${closed}, BigCommerce status ${bc.status_id}`);
    const customer = bc.customer_id > 0 ? `bc-${e.storeHash}-customer-${bc.customer_id}` : `bc-${e.storeHash}-guest`;
    if (erp.entity?.externalId !== customer) m.push(`erp.customer: ${erp.entity?.externalId} vs ${customer}`);
    const erpId = r.metafields.find((f) => f.namespace === 'bcsync' && f.key === 'erp_sales_order_id')?.value;
    if (erpId !== erp.id) m.push(`bigcommerce.erp_id: ${erpId ?? 'missing'} vs ERP ${erp.id}`);
  }

  // OMS: a paid order with physical lines is there (cancelled if the order was); an unpaid one never.
  const wantsOms = e.wasPaid && physical.length > 0;
  if (!r.oms) {
    if (wantsOms && !cancelled) {
      lost = true;
      m.push('oms: no order');
    }
  } else {
    const oms = r.oms;
    if (!e.wasPaid) m.push('oms: an order never paid is in the OMS');
    const want = physical.map((l: Json) => `${l.sku}x${l.quantity}`).sort();
    const got = (oms.items ?? [])
      .filter((i: Json) => !i.adjustment)
      .map((i: Json) => `${i.sku}x${i.quantity}`)
      .sort();
    if (JSON.stringify(want) !== JSON.stringify(got)) m.push(`oms.items: ${got.join(',')} vs ${want.join(',')}`);
    const multi = (bc.consignments?.shipping ?? []).length > 1;
    const expected = cancelled ? ['cancelled'] : multi ? ['on_hold'] : ['awaiting_shipment', 'shipped'];
    if (!expected.includes(oms.orderStatus)) m.push(`oms.status: ${oms.orderStatus} vs one of ${expected.join('|')}`);
    const street = bc.consignments?.shipping?.[0]?.street_1;
    if (street && oms.shipTo?.street1 !== street) m.push(`oms.shipTo: ${oms.shipTo?.street1} vs ${street}`);
  }

  // Shipments: every shipment the OMS made is in BigCommerce with its tracking number, once.
  const shipped = r.omsShipments.filter((s) => !s.voided);
  let extraShipments = 0;
  for (const s of shipped) {
    const copies = r.bcShipments.filter((b) => b.tracking_number === s.trackingNumber).length;
    if (copies === 0) {
      lost = true;
      m.push(`bigcommerce.shipment ${s.shipmentId}: missing`);
    }
    extraShipments += Math.max(0, copies - 1);
  }
  extraShipments += Math.max(0, r.bcShipments.length - shipped.length - extraShipments);
  if (shipped.length > 0 && r.oms?.orderStatus === 'shipped' && bc.status_id !== 2) m.push(`bigcommerce.status: ${bc.status_id} after the OMS shipped everything`);

  // Writes each order needed: one sales order (and one close if cancelled after); one OMS order
  // (and one cancellation if cancelled after).
  const erpNeeded = r.erp ? 1 + (cancelled ? 1 : 0) : 0;
  const omsNeeded = r.oms ? 1 + (r.oms.orderStatus === 'cancelled' ? 1 : 0) : 0;
  return { lost, mismatches: m, extraErpWrites: Math.max(0, r.erpWrites - erpNeeded), extraOmsWrites: Math.max(0, r.omsWrites - omsNeeded), extraShipments };
}

/** The shapes an order has, for a bench to show it met every one the sandbox generates. */
export function shapesOf(bc: Json): string[] {
  const out: string[] = [];
  const lines = allLines(bc);
  if (lines.some((l) => l.type === 'giftcertificate')) out.push('gift_certificate');
  if (lines.some((l) => l.type === 'digital')) out.push('digital');
  if ((bc.consignments?.shipping ?? []).length > 1) out.push('several_addresses');
  if (Number(bc.handling_cost_ex_tax) > 0) out.push('b2b_handling');
  if ((bc.fees ?? []).length > 0) out.push('fees');
  if (Number(bc.wrapping_cost_ex_tax) > 0) out.push('gift_wrapping');
  if (Number(bc.coupon_discount) > 0) out.push('coupon');
  if (Number(bc.discount_amount) > Number(bc.coupon_discount)) out.push('discount');
  if (Number(bc.store_credit_amount) > 0 || Number(bc.gift_certificate_amount) > 0) out.push('redeemed');
  return out;
}
