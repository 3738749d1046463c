import { describe, expect, it } from 'vitest';
import { mapOrderToOmsOrder } from '../../domain/orders/map-order-to-oms-order';
import type { OmsShipment } from '../../domain/orders/oms-shipment';
import type { BcOrder } from '../../domain/orders/order';
import type { OrderEvent } from '../../domain/orders/order-event';
import {
  cancellationPlan,
  erpLookFirst,
  erpWriteDue,
  HASHES_KEPT,
  holdNote,
  mergeShipments,
  omsLookFirst,
  omsWriteDue,
  orderDetails,
  orderSearchAttributes,
  rememberHash,
  type SyncedSoFar,
  takeEvents,
  validateOrderDecision,
} from '../../domain/orders/order-sync-state';
import { testAddress } from '../support/address';

const order = (overrides: Partial<BcOrder> = {}): BcOrder => ({
  id: 218,
  statusId: 11,
  status: 'Awaiting Fulfillment',
  paymentStatus: 'captured',
  paymentMethod: 'Cash',
  customerId: 11,
  currency: 'USD',
  dateCreated: '2019-03-05T21:40:11.000Z',
  dateModified: '2019-03-11T15:17:25.000Z',
  billingAddress: testAddress(),
  shipping: [{ id: 7, address: testAddress(), method: 'UPS Ground', lineIds: [1] }],
  lines: [
    { id: 1, productId: 111, variantId: null, sku: 'PACK-22', name: 'Trailhead Daypack 22L', quantity: 2, unitPriceExTax: '20.0000', totalExTax: '40.0000', totalTax: '3.2000' },
  ],
  subtotalExTax: '40.0000',
  shippingExTax: '0.0000',
  handlingExTax: '0.0000',
  wrappingExTax: '0.0000',
  discount: '0.0000',
  totalTax: '3.2000',
  totalIncTax: '43.2000',
  customerMessage: '',
  isDeleted: false,
  ...overrides,
});

const nothingSynced = (): SyncedSoFar & { skuMap: Record<string, string> } => ({
  erp: { id: null, fingerprint: null, closed: false },
  oms: { fingerprint: null, status: null, order: null },
  skuMap: {},
});

const event = (createdAt: number, extra: Partial<OrderEvent> = {}): OrderEvent => ({ scope: 'store/order/updated', hash: `h${createdAt}`, createdAt, ...extra });
const shipment = (shipmentId: number, voided = false): OmsShipment => ({ shipmentId, voided }) as OmsShipment;

describe('order sync state: events', () => {
  it('counts a repeated hash as a duplicate and forgets the oldest past the limit', () => {
    expect(rememberHash(['a', 'b'], 'a').duplicate).toBe(true);
    const added = rememberHash(['a', 'b'], 'c');
    expect(added).toEqual({ duplicate: false, recent: ['a', 'b', 'c'] });
    const full = Array.from({ length: HASHES_KEPT }, (_, i) => `h${i}`);
    const next = rememberHash(full, 'new');
    expect(next.recent).toHaveLength(HASHES_KEPT);
    expect(next.recent[0]).toBe('h1');
    expect(next.recent.at(-1)).toBe('new');
    // Forgotten: the same hash later counts as new again.
    expect(rememberHash(next.recent, 'h0').duplicate).toBe(false);
  });

  it('saves the read when every event is older than the last read, and reads for a same-second or newer one', () => {
    const read = { order: order(), lastReadAtS: 100 };
    const older = takeEvents([event(90), event(99)], read, false);
    expect(older).toMatchObject({ needRead: false, readSaved: true, fromReconciliation: false, repairAsked: false });
    expect(older.lastEvent?.createdAt).toBe(99);
    expect(takeEvents([event(100)], read, false)).toMatchObject({ needRead: true, readSaved: false });
    expect(takeEvents([], read, true)).toMatchObject({ needRead: true, readSaved: false, lastEvent: undefined });
    expect(takeEvents([], { order: null, lastReadAtS: 0 }, false).needRead).toBe(true);
    // Woken by a shipment or a decision, not an event: nothing saved.
    expect(takeEvents([], read, false)).toMatchObject({ needRead: false, readSaved: false });
  });

  it("takes reconciliation's fresher read as ours, without keeping the snapshot in the last event", () => {
    const fresh = order({ statusId: 2, status: 'Shipped' });
    const taken = takeEvents([event(120, { snapshot: { order: fresh, readAtS: 150 } })], { order: order(), lastReadAtS: 100 }, false);
    expect(taken).toMatchObject({ order: fresh, lastReadAtS: 150, needRead: false, fromReconciliation: true });
    expect(taken.lastEvent).toEqual({ scope: 'store/order/updated', hash: 'h120', createdAt: 120, snapshot: undefined });
    // An older snapshot than our read is not taken.
    const stale = takeEvents([event(80, { snapshot: { order: fresh, readAtS: 90 } })], { order: order(), lastReadAtS: 100 }, false);
    expect(stale.order?.statusId).toBe(11);
    expect(stale.lastReadAtS).toBe(100);
    expect(takeEvents([event(90, { repair: 'erp-total' })], { order: order(), lastReadAtS: 100 }, false).repairAsked).toBe(true);
  });

  it("never lets reconciliation's older copy of the order replace a fresher read made in the same second", () => {
    // The cluster bench's case: the order paid at :30 and read by us at :30; reconciliation listed it
    // unpaid a moment earlier in the same second (its date_modified the creation's, :22).
    const unpaid = order({ statusId: 7, status: 'Awaiting Payment', dateModified: '2019-03-11T15:17:22.000Z' });
    const paid = order({ dateModified: '2019-03-11T15:17:30.000Z' });
    const ours = { order: paid, lastReadAtS: 100 };
    const late = event(92, { scope: 'bcsync/reconcile', snapshot: { order: unpaid, readAtS: 100 } });
    let asked = 0;
    const taken = takeEvents([late], ours, false, () => ++asked > 0);
    expect(taken.order).toBe(paid);
    expect(taken).toMatchObject({ lastReadAtS: 100, needRead: false, fromReconciliation: true });
    expect(asked).toBe(1);
    // A history recorded before the rule (its patch absent) replays as it ran: the copy was taken.
    expect(takeEvents([late], ours, false, () => false).order).toBe(unpaid);
    // A newer date_modified is fresher whatever the read seconds say; the same one, the later read.
    const shipped = order({ statusId: 2, status: 'Shipped', dateModified: '2019-03-11T15:17:31.000Z' });
    expect(takeEvents([event(101, { snapshot: { order: shipped, readAtS: 100 } })], ours, false).order).toBe(shipped);
    const sameVersion = { ...paid, customerMessage: 'listed later' };
    expect(takeEvents([event(90, { snapshot: { order: sameVersion, readAtS: 101 } })], ours, false).order).toBe(sameVersion);
    // Same date_modified, same second, different content: neither is trusted, the order is read.
    const unsure = takeEvents([event(90, { snapshot: { order: sameVersion, readAtS: 100 } })], ours, false);
    expect(unsure).toMatchObject({ order: paid, needRead: true });
    // The two rules agree (a plainly fresher or plainly older copy): the patch is not asked.
    let guardCalls = 0;
    const guard = () => ++guardCalls > 0;
    takeEvents([event(101, { snapshot: { order: shipped, readAtS: 130 } }), event(80, { snapshot: { order: unpaid, readAtS: 90 } })], ours, false, guard);
    expect(guardCalls).toBe(0);
  });

  it('keeps the latest report of each shipment, without voided or copied ones', () => {
    const pending = [shipment(1), shipment(2)];
    const updated = { ...shipment(2), trackingNumber: 'T2' } as OmsShipment;
    const merged = mergeShipments(pending, { '3': 33 }, [updated, shipment(3), shipment(4, true), shipment(5)]);
    expect(merged.map((s) => s.shipmentId)).toEqual([1, 2, 5]);
    expect(merged[1]).toBe(updated);
    expect(pending).toHaveLength(2);
  });
});

describe('order sync state: what a pass writes', () => {
  it('writes the ERP when the content changed, after a close, on a retried total mismatch or a repair', () => {
    const erp = { id: '9', fingerprint: 'fp', closed: false };
    const ask = { decided: false, repairAsked: false };
    expect(erpWriteDue(erp, 'fp', ask)).toBe(false);
    expect(erpWriteDue(erp, 'other', ask)).toBe(true);
    expect(erpWriteDue({ ...erp, closed: true }, 'fp', ask)).toBe(true);
    expect(erpWriteDue(erp, 'fp', { decided: true, repairAsked: false })).toBe(false);
    expect(erpWriteDue({ ...erp, totalMismatch: { bigcommerce: '1.0000', erp: '0.9000' } }, 'fp', { decided: true, repairAsked: false })).toBe(true);
    expect(erpWriteDue(erp, 'fp', { decided: false, repairAsked: true })).toBe(true);
  });

  it('looks before it writes after an unanswered write, or when reconciliation started a run that wrote nothing', () => {
    expect(erpLookFirst({ id: null, fingerprint: null, closed: false }, false)).toBe(false);
    expect(erpLookFirst({ id: null, fingerprint: null, closed: false }, true)).toBe(true);
    expect(erpLookFirst({ id: '9', fingerprint: 'fp', closed: false, unconfirmed: true }, false)).toBe(true);
    expect(erpLookFirst({ id: '9', fingerprint: 'fp', closed: false }, true)).toBe(false);
    const omsOrder = mapOrderToOmsOrder('s1', order());
    expect(omsLookFirst({ fingerprint: 'x', status: null, order: null, unconfirmed: omsOrder }, false)).toBe(true);
    expect(omsLookFirst({ fingerprint: 'x', status: null, order: null, unconfirmed: null }, true)).toBe(false);
    expect(omsLookFirst({ fingerprint: null, status: null, order: null }, true)).toBe(true);
  });

  it('sends the OMS order when it changed, unless the OMS shipped or cancelled it or it has nothing to ship', () => {
    const omsOrder = mapOrderToOmsOrder('s1', order());
    const oms = { fingerprint: 'fp', status: 'awaiting_shipment', order: omsOrder };
    expect(omsWriteDue(oms, 'fp', omsOrder)).toBe(false);
    expect(omsWriteDue(oms, 'new', omsOrder)).toBe(true);
    expect(omsWriteDue({ ...oms, status: 'shipped' }, 'new', omsOrder)).toBe(false);
    expect(omsWriteDue({ ...oms, status: 'cancelled' }, 'new', omsOrder)).toBe(false);
    expect(omsWriteDue(oms, 'new', { ...omsOrder, items: [] })).toBe(false);
  });
});

describe('order sync state: cancellation', () => {
  const cancelled = order({ statusId: 5, status: 'Cancelled' });
  const none = { erp: false, oms: false };

  it('closes and cancels what the run wrote, and cancels nothing twice', () => {
    const omsOrder = mapOrderToOmsOrder('s1', order());
    const synced = { ...nothingSynced(), erp: { id: '9', fingerprint: 'fp', closed: false }, oms: { fingerprint: 'o', status: 'awaiting_shipment', order: omsOrder } };
    expect(cancellationPlan('s1', cancelled, synced, { current: false, undoUnconfirmed: none })).toEqual({ closeErp: true, omsTarget: omsOrder, omsOnlyIfPresent: false });
    const done = { ...synced, erp: { ...synced.erp, closed: true }, oms: { ...synced.oms, status: 'cancelled' } };
    expect(cancellationPlan('s1', cancelled, done, { current: false, undoUnconfirmed: none })).toEqual({ closeErp: false, omsTarget: null, omsOnlyIfPresent: false });
  });

  it('undoes an unanswered write only where the rules say so', () => {
    const omsOrder = mapOrderToOmsOrder('s1', order());
    const synced = {
      ...nothingSynced(),
      erp: { id: null, fingerprint: null, closed: false, unconfirmed: true },
      oms: { fingerprint: null, status: null, order: null, unconfirmed: omsOrder },
    };
    expect(cancellationPlan('s1', cancelled, synced, { current: false, undoUnconfirmed: none })).toEqual({ closeErp: false, omsTarget: null, omsOnlyIfPresent: true });
    expect(cancellationPlan('s1', cancelled, synced, { current: false, undoUnconfirmed: { erp: true, oms: true } })).toEqual({
      closeErp: true,
      omsTarget: omsOrder,
      omsOnlyIfPresent: false,
    });
  });

  it('under the version gate, a run that wrote nothing closes and cancels whatever earlier runs may have written, if it is there', () => {
    const plan = cancellationPlan('s1', cancelled, nothingSynced(), { current: true, undoUnconfirmed: none });
    expect(plan.closeErp).toBe(true);
    expect(plan.omsOnlyIfPresent).toBe(true);
    expect(plan.omsTarget?.orderKey).toBe('bc-s1-218');
    // Before the gate such a run did nothing.
    expect(cancellationPlan('s1', cancelled, nothingSynced(), { current: false, undoUnconfirmed: none })).toEqual({ closeErp: false, omsTarget: null, omsOnlyIfPresent: true });
  });
});

describe('order sync state: what ops see and decide', () => {
  it('refuses an unknown decision, and resolve when nothing is parked', () => {
    expect(() => validateOrderDecision({ action: 'retry' }, false)).not.toThrow();
    expect(() => validateOrderDecision({ action: 'skip' }, false)).not.toThrow();
    expect(() => validateOrderDecision({ action: 'resolve' }, true)).not.toThrow();
    expect(() => validateOrderDecision({ action: 'resolve' }, false)).toThrow('nothing to resolve: the order is not parked');
    expect(() => validateOrderDecision({ action: 'redo' }, true)).toThrow('unknown decision redo: retry, skip or resolve');
  });

  it('publishes status, error type and ERP id, Waiting as nothing', () => {
    expect(orderSearchAttributes({ status: 'Waiting', problem: null, erp: { id: null } })).toEqual({ status: '', errorType: '', erpId: '' });
    expect(orderSearchAttributes({ status: 'NeedsAttention', problem: { type: 'OmsValidation' }, erp: { id: '9' } })).toEqual({
      status: 'NeedsAttention',
      errorType: 'OmsValidation',
      erpId: '9',
    });
  });

  it('holds an order with a staff note of at most 1000 characters naming the problem', () => {
    expect(holdNote({ type: 'OmsValidation', message: 'unknown SKU', step: 'oms', transient: false })).toBe('bcsync: not sent to fulfilment: OmsValidation: unknown SKU');
    expect(holdNote({ type: 'X', message: 'm'.repeat(2000), step: 'oms', transient: false })).toHaveLength(1000);
  });

  it('shows the order, its sync, and how to decide on a parked one', () => {
    const details = orderDetails(
      {
        ...nothingSynced(),
        erp: { id: '9', fingerprint: 'fp', closed: true },
        status: 'NeedsAttention',
        order: order(),
        passes: 3,
        duplicatesIgnored: 1,
        fetchesSaved: 2,
        shipmentsCopied: {},
        lastEvent: null,
        hold: { previousStatusId: 11 },
        problem: { type: 'ErpUnavailable', message: 'down', step: 'erp', transient: true },
        lastDecision: null,
        refunds: { '7': { refundId: 7, amount: '10.0000', status: 'Booked', creditMemoId: 'CM7' } },
      },
      { storeHash: 's1', orderId: 218, parkRetryMs: 300_000 },
    );
    expect(details.split('\n')).toEqual([
      '**BigCommerce order 218** (store `s1`) · Jane Doe · USD 43.20 · Awaiting Fulfillment',
      '- Sync: **NeedsAttention** · ERP sales order 9 (closed)',
      '- Passes 3 · duplicates ignored 1 · reads saved 2 · shipments copied 0',
      '- Refund 7: 10.00 · Booked · ERP credit memo CM7',
      '- On hold in BigCommerce (Manual Verification Required); was status 11',
      '- **Needs attention** (erp): `ErpUnavailable`: down',
      '- Tries again by itself in 300 s; or decide now: signal `decide` with `{"action":"retry"}`, `{"action":"skip"}` or `{"action":"resolve"}`',
    ]);
  });
});
