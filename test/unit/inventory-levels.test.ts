import { describe, expect, it } from 'vitest';
import { batchesByLocation, lagPercentile, minAdjustmentCalls, newLagHistogram, parseLocationMap, recordLag, type AbsoluteItem } from '../../domain/inventory/batches';
import {
  coalesce,
  isEcho,
  levelKey,
  matchProvisional,
  matchReportedLine,
  openSales,
  orderLines,
  orderUnits,
  pendingUnits,
  rememberWritten,
  saleAfterWrite,
  sellableLevel,
  unbookedBefore,
  type ErpLevel,
  type PendingSale,
  type ProvisionalSale,
} from '../../domain/inventory/levels';

const level = (sku: string, location: string, available: number, changedAtMs: number): ErpLevel => ({
  sku,
  location,
  quantityAvailable: available,
  quantityOnHand: available,
  changedAtMs,
});

describe('coalescing by the ERP change time', () => {
  it('keeps the latest level per (SKU, location), whatever the arrival order', () => {
    const out = coalesce(() => undefined, [level('A', '1', 5, 300), level('A', '1', 9, 100), level('A', '2', 7, 200), level('B', '1', 1, 50), level('A', '1', 4, 200)]);
    expect(out.map((l) => [l.sku, l.location, l.quantityAvailable]).sort()).toEqual([
      ['A', '1', 5],
      ['A', '2', 7],
      ['B', '1', 1],
    ]);
  });

  it('ignores changes older than what is already held; a tie is a redelivery and may replace', () => {
    const held = new Map([[levelKey('A', '1'), { changedAtMs: 500 }]]);
    expect(coalesce((k) => held.get(k), [level('A', '1', 3, 499)])).toEqual([]);
    expect(coalesce((k) => held.get(k), [level('A', '1', 3, 500)])).toHaveLength(1);
    expect(coalesce((k) => held.get(k), [level('A', '1', 3, 501)])[0]!.quantityAvailable).toBe(3);
  });
});

describe('oversell protection', () => {
  const sales: PendingSale[] = [
    { orderId: 1, units: { A: 2, B: 1 }, orderCreatedS: 10, reportedAtMs: 0 },
    { orderId: 2, units: { A: 3 }, orderCreatedS: 11, bookedAtMs: 1_000, reportedAtMs: 0 },
  ];

  it('counts unbooked sales, and booked ones only against levels older than the booking', () => {
    expect(pendingUnits('A', { changedAtMs: 999 }, sales)).toBe(5);
    expect(pendingUnits('A', { changedAtMs: 1_000 }, sales)).toBe(2);
    expect(pendingUnits('B', { changedAtMs: 5_000 }, sales)).toBe(1);
    expect(pendingUnits('C', { changedAtMs: 5_000 }, sales)).toBe(0);
  });

  it('pushes available - pending - buffer, never below zero', () => {
    expect(sellableLevel(10, 3, 2)).toBe(5);
    expect(sellableLevel(3, 3, 2)).toBe(0);
  });

  it('drops a booked sale once every SKU has a level at or after the booking, and any sale after the TTL', () => {
    const booked: PendingSale = { orderId: 3, units: { A: 1, B: 1 }, orderCreatedS: 1, bookedAtMs: 100, reportedAtMs: 0 };
    expect(openSales([booked], (sku) => ({ changedAtMs: sku === 'A' ? 100 : 99 }), 10, 1_000)).toHaveLength(1);
    expect(openSales([booked], () => ({ changedAtMs: 100 }), 10, 1_000)).toHaveLength(0);
    expect(openSales([{ ...booked, bookedAtMs: undefined }], () => undefined, 2_000, 1_000)).toHaveLength(0);
  });

  it('trusts that BigCommerce took a sale off our write only when the order is surely later than the write landed', () => {
    expect(saleAfterWrite(12, 10_500, 1_000)).toBe(true);
    expect(saleAfterWrite(11, 10_500, 1_000)).toBe(false);
    expect(saleAfterWrite(100, undefined, 1_000)).toBe(false);
  });

  it('takes the units of catalog lines only', () => {
    expect(
      orderUnits([
        { productId: 1, sku: 'A', quantity: 2 },
        { productId: 2, sku: 'A', quantity: 1 },
        { productId: 0, sku: 'CUSTOM', quantity: 5 },
      ]),
    ).toEqual({ A: 3 });
  });
});

describe('sales announced by BigCommerce webhooks and reported by orders', () => {
  const line = { sku: 'JKT-S', productId: 113, variantId: 201, units: 2 };
  const provisional: ProvisionalSale[] = [
    { ref: 'p111', units: 2, createdS: 100, hash: 'a', reportedAtMs: 0 },
    { ref: 'v201', units: 2, createdS: 101, hash: 'b', reportedAtMs: 0 },
  ];

  it('an order line replaces the webhook of the same item, units and second (give or take one)', () => {
    expect(matchProvisional(provisional, line, 100)).toBe(1);
    expect(matchProvisional(provisional, { ...line, units: 3 }, 100)).toBe(-1);
    expect(matchProvisional(provisional, line, 103)).toBe(-1);
    expect(matchProvisional(provisional, { productId: 111, variantId: 1, units: 2 }, 99)).toBe(0);
  });

  it('a webhook that comes after the order reported finds its line and is not counted again', () => {
    const sales: PendingSale[] = [{ orderId: 7, units: { 'JKT-S': 2 }, orderCreatedS: 101, reportedAtMs: 0, awaitingWebhook: [line] }];
    expect(matchReportedLine(sales, { ref: 'v201', units: 2, createdS: 100 })).toEqual([0, 0]);
    expect(matchReportedLine(sales, { ref: 'v202', units: 2, createdS: 100 })).toBeUndefined();
  });

  it('units of sales reported before the level changed and not booked make the level ambiguous', () => {
    const sales: PendingSale[] = [
      { orderId: 1, units: { A: 2 }, orderCreatedS: 1, reportedAtMs: 1_000 },
      { orderId: 2, units: { A: 5 }, orderCreatedS: 1, reportedAtMs: 3_000 },
      { orderId: 3, units: { A: 7 }, orderCreatedS: 1, reportedAtMs: 500, bookedAtMs: 900 },
    ];
    expect(unbookedBefore('A', { changedAtMs: 2_000 }, sales)).toBe(2);
  });

  it('lines of an order by SKU, with the ids the webhooks name', () => {
    expect(
      orderLines([
        { productId: 113, variantId: 201, sku: 'JKT-S', quantity: 1 },
        { productId: 113, variantId: 201, sku: 'JKT-S', quantity: 1 },
        { productId: 0, variantId: null, sku: 'X', quantity: 1 },
      ]),
    ).toEqual([line]);
  });
});

describe('echo suppression', () => {
  it('an absolute change to a value we wrote recently is our echo; anything else is not', () => {
    const recent = rememberWritten(rememberWritten(rememberWritten(rememberWritten(undefined, 1), 2), 3), 4);
    expect(recent).toEqual([2, 3, 4]);
    expect(isEcho({ method: 'absolute', value: 3 }, recent)).toBe(true);
    expect(isEcho({ method: 'absolute', value: 1 }, recent)).toBe(false);
    expect(isEcho({ method: 'relative', value: 3 }, recent)).toBe(false);
    expect(isEcho({ method: 'absolute', value: 3 }, undefined)).toBe(false);
  });
});

describe('batching', () => {
  const item = (bcLocationId: number, n: number): AbsoluteItem => ({ bcLocationId, sku: `S${n}`, ref: { variantId: n }, quantity: n });

  it('groups by location and cuts at 2000 items', () => {
    const items = [...Array.from({ length: 4100 }, (_, i) => item(2, i)), ...Array.from({ length: 10 }, (_, i) => item(1, i))];
    const batches = batchesByLocation(items);
    expect(batches.map((b) => [b[0]!.bcLocationId, b.length])).toEqual([
      [1, 10],
      [2, 2000],
      [2, 2000],
      [2, 100],
    ]);
    for (const b of batches) expect(new Set(b.map((i) => i.bcLocationId)).size).toBe(1);
  });

  it('min calls: per location, distinct SKUs over 2000', () => {
    const changes = [...Array.from({ length: 2001 }, (_, i) => ({ sku: `S${i}`, location: '1' })), { sku: 'S1', location: '1' }, { sku: 'S1', location: '2' }];
    expect(minAdjustmentCalls(changes)).toBe(3);
  });

  it('parses the location map', () => {
    expect(parseLocationMap('1:1, WH-2:5')).toEqual({ '1': 1, 'WH-2': 5 });
    expect(() => parseLocationMap('1=1')).toThrow(/invalid location pair/);
  });

  it('lag percentile from the histogram', () => {
    const h = newLagHistogram(100, 100);
    for (let i = 0; i < 95; i++) recordLag(h, 50);
    for (let i = 0; i < 5; i++) recordLag(h, 5_000);
    expect(lagPercentile(h, 95)).toBe(100);
    expect(lagPercentile(h, 99)).toBe(5_100);
  });
});
