import { describe, expect, it } from 'vitest';
import { levelKey, type PendingSale } from '../../domain/inventory/levels';
import { bookingAwaited, planItem, pruneSales, readingAfterSale, type PlanView } from '../../domain/inventory/plan';

const X = levelKey('X', '1');
const view = (over: Partial<PlanView> = {}): PlanView => ({
  items: { [X]: { available: 38, onHand: 40, changedAtMs: 2_000 } },
  tracking: { X: { productId: 1 } },
  sales: [],
  locations: { '1': 11 },
  orderLocation: '1',
  safetyBuffer: 1,
  ...over,
});
const sale = (over: Partial<PendingSale> = {}): PendingSale => ({ orderId: 7, units: { X: 2 }, orderCreatedS: 1, reportedAtMs: 1_000, ...over });
const none = new Map<string, number>();

describe('planItem', () => {
  it('writes ERP available minus the buffer to the mapped location, by the SKU tracking', () => {
    expect(planItem(view(), X, none, false)).toEqual({ kind: 'write', want: 37, bcLocationId: 11, ref: { productId: 1 }, recheck: false });
  });

  it('leaves an item BigCommerce already shows at that level', () => {
    expect(planItem(view({ items: { [X]: { available: 38, onHand: 40, changedAtMs: 2_000, storeLevel: 37 } } }), X, none, false)).toEqual({ kind: 'same' });
    // ...unless forced (an admin change to set back).
    expect(planItem(view({ items: { [X]: { available: 38, onHand: 40, changedAtMs: 2_000, storeLevel: 37 } } }), X, none, true).kind).toBe('write');
  });

  it('takes off units sold and not booked, and units BigCommerce announced', () => {
    const booked = sale({ bookedAtMs: 3_000 });
    expect(planItem(view({ sales: [booked] }), X, new Map([['X', 1]]), false)).toMatchObject({ want: 34 });
  });

  it('a level changed after an unbooked sale was reported is ambiguous: the safe reading goes out, to be re-checked', () => {
    expect(planItem(view({ sales: [sale()] }), X, none, false)).toMatchObject({ kind: 'write', want: 35, recheck: true });
    // BigCommerce shows a level between the two readings (35..37): wait for the booking.
    expect(planItem(view({ sales: [sale()], items: { [X]: { available: 38, onHand: 40, changedAtMs: 2_000, storeLevel: 36 } } }), X, none, false)).toEqual({ kind: 'hold' });
    // A sale reported after the level changed is simply pending: no ambiguity.
    expect(planItem(view({ sales: [sale({ reportedAtMs: 2_500 })] }), X, none, false)).toMatchObject({ want: 35, recheck: false });
  });

  it('says why an item cannot be written', () => {
    expect(planItem(view({ locations: {} }), X, none, false)).toEqual({ kind: 'unmapped' });
    expect(planItem(view({ tracking: {} }), X, none, false)).toEqual({ kind: 'unknown' });
    expect(planItem(view({ tracking: { X: null } }), X, none, false)).toEqual({ kind: 'unwritable' });
    expect(planItem(view(), levelKey('Y', '1'), none, false)).toEqual({ kind: 'missing' });
  });
});

describe('bookingAwaited', () => {
  it('is true while a changed item may count an unbooked sale, false once booked or unchanged', () => {
    expect(bookingAwaited(view({ sales: [sale()] }), new Set([X]))).toBe(true);
    expect(bookingAwaited(view({ sales: [sale()] }), new Set())).toBe(false);
    expect(bookingAwaited(view({ sales: [sale({ bookedAtMs: 1_500 })] }), new Set([X]))).toBe(false);
    expect(bookingAwaited(view({ sales: [sale({ reportedAtMs: 2_500 })] }), new Set([X]))).toBe(false);
  });
});

describe('pruneSales', () => {
  it('drops a sale once its items are changed at or after its booking, keeps the rest, and keeps lines a late webhook may still match', () => {
    const settled = sale({ orderId: 1, bookedAtMs: 2_000, awaitingWebhook: [{ sku: 'X', productId: 1, variantId: null, units: 2 }] });
    const notYet = sale({ orderId: 2, bookedAtMs: 2_500 });
    const open = sale({ orderId: 3 });
    const out = pruneSales(view({ sales: [settled, notYet, open] }), 10_000, 60_000);
    expect(out.sales.map((s) => s.orderId)).toEqual([2, 3]);
    expect(out.settledAwaitingWebhook.map((s) => s.orderId)).toEqual([1]);
    // Past the TTL nothing counts any more.
    expect(pruneSales(view({ sales: [open] }), 100_000, 60_000).sales).toEqual([]);
  });
});

describe('readingAfterSale', () => {
  // Read at 10.000 s (workflow time); orders are stamped in whole seconds; BigCommerce applies within 1 s.
  const reading = { storeLevel: 6, readAtMs: 10_000 };
  it('takes off a sale surely after the read', () => {
    expect(readingAfterSale(reading, 2, 12, 1_000)).toEqual({ storeLevel: 4, readAtMs: 10_000 });
    expect(readingAfterSale(reading, 9, 12, 1_000)).toEqual({ storeLevel: 0, readAtMs: 10_000 });
  });
  it('forgets the reading when the sale may be in it already, or when units come back', () => {
    expect(readingAfterSale(reading, 2, 11, 1_000)).toBeUndefined();
    expect(readingAfterSale(reading, 2, 9, 0)).toBeUndefined();
    expect(readingAfterSale(reading, -2, 20, 1_000)).toBeUndefined();
  });
});
