import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateCarried, type InventoryCarried, type LegacyInventoryCarried } from '../../domain/inventory/carried';
import { InventoryState } from '../../domain/inventory/state';

/** The `carried` input of a run continued as new by the code before the rename, as its recorded history holds it. */
function recordedCarried(): LegacyInventoryCarried {
  const file = path.resolve(__dirname, '../histories/inventory-sync-v7-carry-flush-timing-sdk-1.24.0.json');
  const history = JSON.parse(readFileSync(file, 'utf8')) as {
    events: Array<{ workflowExecutionStartedEventAttributes?: { input: { payloads: Array<{ data: string }> } } }>;
  };
  const payload = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
  return (JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as { carried: LegacyInventoryCarried }).carried;
}

const A = 'A\u00011';
const B = 'B\u00011';

describe('migrateCarried (state carried across continue-as-new, from the shape before readable names)', () => {
  it('reads the legacy shape of a recorded history into readable names, keeping every value', () => {
    const old = recordedCarried();
    // The sample really is the legacy shape (the test would prove nothing otherwise).
    expect(old.items[A]).toEqual({ a: 10, oh: 10, t: 1796294729106, r: [9], e: 9, w: 1796294809968 });
    const migrated = migrateCarried(old);
    expect(migrated.items[A]).toEqual({ available: 10, onHand: 10, changedAtMs: 1796294729106, storeLevel: 9, storeLevelAtMs: 1796294809968, recentlyWritten: [9] });
    // Fields an item never had stay absent (not undefined): the next continue-as-new carries the same keys.
    expect(migrated.items[B]).toStrictEqual({ available: 20, onHand: 20, changedAtMs: 1796294729106 });
    expect(Object.keys(migrated.items)).toEqual(Object.keys(old.items));
    // Everything else is carried as it was.
    const { items: _oldItems, ...oldRest } = old;
    const { items: _newItems, ...newRest } = migrated;
    expect(newRest).toEqual(oldRest);
    expect(migrated.flushTiming).toEqual(old.flushTiming);
    expect(migrated.dirty).toEqual([B]);
  });

  it('moves the readings kept under `seen` to storeReadings, in order', () => {
    const old: LegacyInventoryCarried = { ...recordedCarried(), seen: { 'C\u00012': { e: 4, w: 100 }, 'C\u00013': { e: 0, w: 101 } } };
    const migrated = migrateCarried(old);
    expect(migrated.storeReadings).toEqual({ 'C\u00012': { storeLevel: 4, readAtMs: 100 }, 'C\u00013': { storeLevel: 0, readAtMs: 101 } });
    expect(Object.keys(migrated.storeReadings!)).toEqual(['C\u00012', 'C\u00013']);
    expect('seen' in migrated).toBe(false);
  });

  it('leaves state already in the readable shape as it is, and migrating twice changes nothing', () => {
    const once = migrateCarried(recordedCarried());
    expect(migrateCarried(once)).toEqual(once);
    expect(migrateCarried(migrateCarried(once))).toStrictEqual(once);
  });

  it('a run that reads the legacy state continues as new with the readable one, and the run after reads it back the same', () => {
    const settings = { locations: { '1': 1 }, orderLocation: '1', safetyBuffer: 0, pendingTtlMs: 60_000, applyMarginMs: 1_000 };
    const behaviour = { latePlan: true, soldOutFirst: true, readEveryLocation: true };
    const first = new InventoryState(recordedCarried(), settings, behaviour, true, 5_000);
    // The carried flush timing counts (patch inventory-carry-flush-timing): the wait goes on where it stood.
    expect(first.firstDirtyAtMs).toBe(recordedCarried().flushTiming!.firstDirtyAtMs);
    const next: InventoryCarried = first.toCarried(true);
    expect(JSON.stringify(next)).not.toMatch(/"(a|oh|t|e|w|r|seen)":/);
    const second = new InventoryState(JSON.parse(JSON.stringify(next)) as InventoryCarried, settings, behaviour, true, 9_000);
    expect(second.toCarried(true)).toEqual(next);
    expect(second.held()).toEqual({ [A]: 1796294729106, [B]: 1796294729106 });
  });
});
