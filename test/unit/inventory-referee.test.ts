import { describe, expect, it } from 'vitest';
import { judgeLevel, percentile, type ErpChange, type LevelStart, type StoreChange } from '../../bench/support/inventory-referee';

// The inventory bench's judge: each figure must be able to fail.
const K = 'SKU-1@1';
const start: LevelStart = { key: K, onHand: 5, shown: 3, ordersHere: true };
const erp = (atMs: number, onHand: number, cause: ErpChange['cause'] = 'count'): ErpChange => ({ atMs, key: K, onHand, cause });
const write = (atMs: number, before: number, after: number): StoreChange => ({ atMs, key: K, cause: 'adjustment', method: 'absolute', before, after });
const sale = (atMs: number, before: number, units = 1): StoreChange => ({ atMs, key: K, cause: 'order', method: 'relative', before, after: before - units });

describe('inventory bench referee', () => {
  it('measures each ERP on-hand change until the store shows the truth, and ignores commits', () => {
    const v = judgeLevel(start, [erp(1_000, 9), erp(1_500, 9, 'commit'), erp(2_000, 10)], [write(5_000, 3, 8)], 2);
    expect(v.lagsMs).toEqual([4_000, 3_000]);
    expect(v.lost).toEqual([]);
    expect(v.finalShown).toBe(v.finalTruth);
  });

  it('counts a change the store never shows as lost, and a mismatch at the end', () => {
    const v = judgeLevel(start, [erp(1_000, 9)], [], 2);
    expect(v.lost).toEqual([{ atMs: 1_000, onHand: 9 }]);
    expect(v.finalShown).toBe(3);
    expect(v.finalTruth).toBe(7);
  });

  it('counts an absolute write of the level the store already had as an echo write', () => {
    const v = judgeLevel(start, [], [write(1_000, 3, 3)], 2);
    expect(v.echoWrites).toBe(1);
    expect(v.echoAfterSale).toBe(0);
    expect(v.adjustments).toBe(1);
    // Written 2 just after the store's own sale took it to 2: still an echo write, told apart.
    expect(judgeLevel(start, [erp(500, 4)], [sale(900, 3), write(1_000, 2, 2)], 2).echoAfterSale).toBe(1);
  });

  it('a store sale moves the truth with it: no lag, no write needed', () => {
    const v = judgeLevel(start, [], [sale(1_000, 3)], 2);
    expect(v.finalShown).toBe(2);
    expect(v.finalTruth).toBe(2);
    expect(v.soldInStore).toBe(1);
    expect(v.oversold).toEqual([]);
  });

  it('a sale beyond what exists before the store was told is oversold by lag, with the write that came later', () => {
    // Another channel sells 4 of the 5 units; the store still shows 3 and sells 2 before our write.
    const v = judgeLevel(start, [erp(1_000, 1, 'channel-sale')], [sale(1_200, 3), sale(1_300, 2), write(4_000, 1, 0)], 2);
    expect(v.oversold.map((o) => [o.oversold, o.cause, o.sinceMs, o.toldAtMs])).toEqual([[1, 'lag', 1_000, 4_000]]);
    expect(v.otherChannelOversold).toBe(0);
  });

  it('a sale beyond what exists after our write set the level above the truth is oversold by the write', () => {
    // The store sold 2 (3 -> 1); our write hands them back (sets 3 again), and 3 more sell: 5 sold of 5, then one more.
    const v = judgeLevel({ ...start, onHand: 5, shown: 3 }, [], [sale(1_000, 3, 2), write(2_000, 1, 3), sale(3_000, 3, 3), write(4_000, 0, 1), sale(5_000, 1)], 2);
    expect(v.oversold.map((o) => [o.oversold, o.cause, o.written, o.truthAtWrite])).toEqual([[1, 'write', 1, 0]]);
  });

  it('counts what the other channel sells of units the store had already sold', () => {
    const v = judgeLevel({ ...start, onHand: 2, shown: 2 }, [erp(2_000, 0, 'channel-sale')], [sale(1_000, 2)], 0);
    expect(v.otherChannelOversold).toBe(1);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([], 95)).toBe(0);
  });
});
