import { describe, expect, it } from 'vitest';
import { levelKey, type ErpLevel } from '../../domain/inventory/levels';
import { InventoryState, type InventoryBehaviour } from '../../domain/inventory/state';

const settings = { locations: { '1': 11, '2': 12 }, orderLocation: '1', safetyBuffer: 0, pendingTtlMs: 60_000, applyMarginMs: 1_000 };
const all: InventoryBehaviour = { latePlan: true, soldOutFirst: true, readEveryLocation: true };
const X1 = levelKey('X', '1');
const X2 = levelKey('X', '2');
const level = (over: Partial<ErpLevel> = {}): ErpLevel => ({ sku: 'X', location: '1', quantityAvailable: 10, quantityOnHand: 10, changedAtMs: 1_000, ...over });
const fresh = (behaviour: InventoryBehaviour = all) => new InventoryState(undefined, settings, behaviour, true, 0);

/** A state that knows X's tracking and has written `storeLevel` to it at `atMs`. */
function written(storeLevel: number, atMs: number, behaviour: InventoryBehaviour = all): InventoryState {
  const s = fresh(behaviour);
  s.applyLevels([level()], 100);
  s.kept.tracking.X = { productId: 5 };
  s.kept.items[X1]!.storeLevel = storeLevel;
  s.kept.items[X1]!.storeLevelAtMs = atMs;
  s.dirty.clear();
  return s;
}

describe('InventoryState: ERP levels', () => {
  it('keeps the latest level per item by the ERP change time and counts older ones as stale', () => {
    const s = fresh();
    s.applyLevels([level({ changedAtMs: 2_000, quantityAvailable: 7 }), level({ changedAtMs: 1_000, quantityAvailable: 3 })], 50);
    s.applyLevels([level({ changedAtMs: 1_500, quantityAvailable: 1 })], 60);
    expect(s.kept.items[X1]).toEqual({ available: 7, onHand: 10, changedAtMs: 2_000 });
    expect(s.kept.stats).toMatchObject({ changesReceived: 3, changesApplied: 1, staleIgnored: 2 });
    expect([...s.dirty]).toEqual([X1]);
    expect(s.firstDirtyAtMs).toBe(50);
  });

  it('a change of goods on hand holds the quiet window; a commit only (on hand unchanged) that leaves the written level right does not', () => {
    const s = written(8, 100);
    s.applyLevels([level({ changedAtMs: 2_000, quantityAvailable: 8 })], 500);
    expect(s.lastInputAtMs).toBe(100);
    expect([...s.dirty]).toEqual([X1]);
    s.applyLevels([level({ changedAtMs: 3_000, quantityAvailable: 8, quantityOnHand: 9 })], 700);
    expect(s.lastInputAtMs).toBe(700);
  });

  it("an item's first level takes what the lookup read at its location (patch read-every-location), and not before it", () => {
    const s = fresh();
    s.kept.storeReadings = { [X2]: { storeLevel: 4, readAtMs: 90 } };
    s.applyLevels([level({ location: '2' })], 100);
    expect(s.kept.items[X2]).toMatchObject({ storeLevel: 4, storeLevelAtMs: 90 });
    expect(s.kept.storeReadings).toEqual({});
    const before = fresh({ ...all, readEveryLocation: false });
    before.kept.storeReadings = { [X2]: { storeLevel: 4, readAtMs: 90 } };
    before.applyLevels([level({ location: '2' })], 100);
    expect(before.kept.items[X2]!.storeLevel).toBeUndefined();
  });
});

describe('InventoryState: sales and bookings', () => {
  it('a sale surely after our write is off what the store shows; one inside the write margin is not', () => {
    const s = written(10, 5_000);
    s.applySale({ orderId: 1, units: { X: 2 }, orderCreatedS: 7 }, 8_000);
    expect(s.kept.items[X1]!.storeLevel).toBe(8);
    s.applySale({ orderId: 2, units: { X: 1 }, orderCreatedS: 6 }, 8_000);
    expect(s.kept.items[X1]!.storeLevel).toBe(8);
    expect(s.kept.sales.map((x) => x.orderId)).toEqual([1, 2]);
    expect(s.kept.stats.salesReported).toBe(2);
    // A cancellation (no units) drops the sale.
    s.applySale({ orderId: 1, units: {}, orderCreatedS: 7 }, 9_000);
    expect(s.kept.sales.map((x) => x.orderId)).toEqual([2]);
  });

  it('the first booking counts and wakes an item awaiting it; a second booking of the same order does not', () => {
    const s = written(10, 5_000);
    s.applySale({ orderId: 1, units: { X: 2 }, orderCreatedS: 7 }, 8_000);
    s.awaitingBooking.add(X1);
    s.dirty.clear();
    const inputs = s.inputs;
    s.applyBooking(1, 9_000, 9_500);
    expect(s.kept.sales[0]!.bookedAtMs).toBe(9_000);
    expect(s.awaitingBooking.size).toBe(0);
    expect([...s.dirty]).toEqual([X1]);
    expect(s.inputs).toBe(inputs + 1);
    s.applyBooking(1, 12_000, 12_500);
    expect(s.kept.sales[0]!.bookedAtMs).toBe(9_000);
    expect(s.kept.stats.salesBooked).toBe(1);
  });
});

describe('InventoryState: BigCommerce inventory events', () => {
  it('ignores the echo of our own write and re-asserts anything else, forced', () => {
    const s = written(10, 5_000);
    s.kept.items[X1]!.recentlyWritten = [10];
    s.applyStoreEvents([{ productId: 5, method: 'absolute', value: 10 }], 6_000);
    expect(s.kept.stats.echoesIgnored).toBe(1);
    expect(s.dirty.size).toBe(0);
    s.applyStoreEvents([{ productId: 5, method: 'absolute', value: 3 }], 7_000);
    expect(s.kept.stats.reasserts).toBe(1);
    expect([...s.forced]).toEqual([X1]);
    expect(s.lastInputAtMs).toBe(7_000);
  });

  it("counts an order's take once per hash, and the order's later report does not count it again", () => {
    const s = written(10, 5_000);
    const ev = { productId: 5, method: 'relative', value: -2, byOrder: true, createdS: 20, hash: 'h1' };
    s.applyStoreEvents([ev, ev], 21_000);
    expect(s.kept.provisional).toEqual([{ ref: 'p5', units: 2, createdS: 20, hash: 'h1', reportedAtMs: 21_000 }]);
    expect(s.kept.items[X1]!.storeLevel).toBe(8);
    s.applySale({ orderId: 9, units: { X: 2 }, orderCreatedS: 20, lines: [{ sku: 'X', productId: 5, variantId: null, units: 2 }] }, 22_000);
    expect(s.kept.provisional).toEqual([]);
    // What BigCommerce shows moved once, with the webhook.
    expect(s.kept.items[X1]!.storeLevel).toBe(8);
    expect(s.skuLevels('X')).toEqual([{ location: '1', available: 10, changedAt: new Date(1_000).toISOString(), expected: 8, pending: 2, want: 8 }]);
  });
});

describe('InventoryState: when to flush', () => {
  const timing = { quietMs: 1_000, maxWaitMs: 10_000, bookingWaitMs: 5_000 };

  it('after the quiet window, never later than the longest wait after the first change', () => {
    const s = written(10, 100);
    s.applyLevels([level({ changedAtMs: 2_000, quantityOnHand: 9 })], 1_000);
    expect(s.flushDeadline(1_000, timing)).toBe(2_000);
    s.applyLevels([level({ changedAtMs: 3_000, quantityOnHand: 8 })], 10_500);
    expect(s.flushDeadline(10_500, timing)).toBe(11_000);
  });

  it('an item sold out in the ERP but shown in the store goes within half a second', () => {
    const s = written(5, 100);
    s.applyLevels([level({ changedAtMs: 2_000, quantityAvailable: 0, quantityOnHand: 0 })], 1_000);
    expect(s.soldOutSinceMs).toBe(1_000);
    expect(s.flushDeadline(1_000, { ...timing, quietMs: 3_000 })).toBe(1_500);
  });

  it('waits a little longer for a booking on its way (late planning only)', () => {
    const s = written(10, 100);
    s.applySale({ orderId: 1, units: { X: 2 }, orderCreatedS: 1 }, 500);
    s.applyLevels([level({ changedAtMs: 2_000, quantityAvailable: 8, quantityOnHand: 9 })], 1_000);
    expect(s.flushDeadline(2_000, timing)).toBe(7_000);
    const before = written(10, 100, { ...all, latePlan: false });
    before.applySale({ orderId: 1, units: { X: 2 }, orderCreatedS: 1 }, 500);
    before.applyLevels([level({ changedAtMs: 2_000, quantityAvailable: 8, quantityOnHand: 9 })], 1_000);
    expect(before.flushDeadline(2_000, timing)).toBe(2_000);
  });
});

describe('InventoryState: a flush', () => {
  it('plans what changed: items BigCommerce already shows right are skipped and settled, the rest written', () => {
    const s = written(10, 100);
    s.applyLevels([level({ location: '2', changedAtMs: 500, quantityAvailable: 4 }), level({ changedAtMs: 1_600 })], 1_000);
    const run = s.beginFlush(2_000);
    expect(s.unknownSkus(run)).toEqual([]);
    const planned = s.planKeys(run.keys, run.wasForced, 2_000);
    expect(planned).toEqual([{ key: X2, sku: 'X', bcLocationId: 12, ref: { productId: 5 }, quantity: 4, recheck: false }]);
    expect(s.kept.stats.unchangedSkipped).toBe(1);
    expect(s.kept.unsettled[X1]).toBeUndefined();
  });

  it('takes changes that came in while it looked up tracking, up to three more rounds, none when sold out', () => {
    const s = fresh();
    s.applyLevels([level()], 100);
    const run = s.beginFlush(200);
    expect(s.unknownSkus(run)).toEqual(['X']);
    s.applyLevels([level({ sku: 'Y' })], 300);
    expect(s.takeLatecomers(run, 0)).toBe(true);
    expect(s.unknownSkus(run)).toEqual(['X', 'Y']);
    s.applyLevels([level({ sku: 'Z' })], 400);
    expect(s.takeLatecomers(run, 3)).toBe(false);
    expect(s.takeLatecomers({ ...run, soldOut: true }, 0)).toBe(false);
  });

  it('one request carries every location, and changes that came in during the write join the next request', () => {
    const s = written(0, 100);
    s.applyLevels([level({ changedAtMs: 1_500 }), level({ location: '2', changedAtMs: 500, quantityAvailable: 3 })], 1_000);
    const run = s.beginFlush(2_000);
    const batches = s.batches(run, s.planKeys(run.keys, run.wasForced, 2_000), { allLocations: true });
    const first = batches.next(2_000)!;
    expect(first.map((p) => [p.bcLocationId, p.quantity])).toEqual([
      [11, 10],
      [12, 3],
    ]);
    s.beforeWrite(first, true);
    // A sale surely after the write landed, reported while it was out.
    s.applySale({ orderId: 1, units: { X: 1 }, orderCreatedS: 4 }, 2_500);
    s.writeDone(run, first, 2_600, 2_700);
    expect(s.kept.items[X1]).toMatchObject({ storeLevel: 9, storeLevelAtMs: 2_600, recentlyWritten: [10] });
    expect(s.kept.recentWrites).toEqual([
      { atMs: 2_700, bcLocationId: 11, items: 1 },
      { atMs: 2_700, bcLocationId: 12, items: 1 },
    ]);
    // The sale made X right already (9 = 10 - 1): nothing more to write.
    expect(batches.next(2_800)).toBeUndefined();
    expect(s.nextWriteRecord(first)).toEqual({
      n: 1,
      parts: [
        { bcLocationId: 11, levels: { X: 10 }, skus: ['X'], items: 1 },
        { bcLocationId: 12, levels: { X: 3 }, skus: ['X'], items: 1 },
      ],
    });
  });

  it('before that patch, each location is its own request', () => {
    const s = written(0, 100);
    s.applyLevels([level({ changedAtMs: 1_500 }), level({ location: '2', changedAtMs: 500, quantityAvailable: 3 })], 1_000);
    const run = s.beginFlush(2_000);
    const batches = s.batches(run, s.planKeys(run.keys, run.wasForced, 2_000), { allLocations: false });
    expect(batches.next(2_000)!.map((p) => p.bcLocationId)).toEqual([11]);
    expect(batches.next(2_100)!.map((p) => p.bcLocationId)).toEqual([12]);
    expect(batches.next(2_200)).toBeUndefined();
  });

  it('a refused write forgets the tracking of its SKUs and leaves every item (and its force) to the next flush', () => {
    const s = written(0, 100);
    s.applyStoreEvents([{ productId: 5, method: 'absolute', value: 7 }], 1_000);
    const run = s.beginFlush(2_000);
    const [batch] = [s.batches(run, s.planKeys(run.keys, run.wasForced, 2_000), { allLocations: true }).next(2_000)!];
    s.beforeWrite(batch, true);
    s.writeFailed(run, batch, 'BigCommerce 422', 3_000);
    expect(s.kept.tracking).toEqual({});
    expect([...s.dirty]).toEqual([X1]);
    expect([...s.forced]).toEqual([X1]);
    expect(s.kept.lastProblem).toBe('BigCommerce 422');
    expect(s.kept.stats.writeFailures).toBe(1);
  });
});

describe('InventoryState: what is stale', () => {
  it('drops sales past the TTL, provisional sales and kept readings past it', () => {
    const s = written(10, 100);
    s.applySale({ orderId: 1, units: { X: 1 }, orderCreatedS: 1 }, 1_000);
    s.applyStoreEvents([{ productId: 5, method: 'relative', value: -1, byOrder: true, createdS: 2, hash: 'h' }], 2_000);
    s.kept.storeReadings = { [levelKey('Y', '1')]: { storeLevel: 1, readAtMs: 3_000 } };
    s.dropSettledSales(61_500);
    expect(s.kept.sales).toEqual([]);
    expect(s.kept.provisional).toHaveLength(1);
    expect(s.kept.storeReadings).toHaveProperty([levelKey('Y', '1')]);
    s.dropSettledSales(63_001);
    expect(s.kept.provisional).toEqual([]);
    expect(s.kept.storeReadings).toEqual({});
  });

  it('the summary says since when the oldest change has waited, counting a flush under way', () => {
    const s = written(10, 100);
    expect(s.summary(0).waitingSince).toBeNull();
    s.applyLevels([level({ changedAtMs: 2_000, quantityOnHand: 9 })], 1_000);
    const run = s.beginFlush(1_500);
    expect(run.keys.size).toBe(1);
    expect(s.summary(1_600)).toMatchObject({ dirty: 0, waitingSince: new Date(1_000).toISOString(), items: 1 });
    s.endFlush();
    expect(s.summary(1_700).waitingSince).toBeNull();
  });
});
