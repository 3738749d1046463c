import { describe, expect, it } from 'vitest';
import { levelKey, type PendingSale } from '../../domain/inventory/levels';
import { soldOutButShown, type PlanView } from '../../domain/inventory/plan';

const X = levelKey('X', '1');
const view = (item: PlanView['items'][string], over: Partial<PlanView> = {}): PlanView => ({
  items: { [X]: item, [levelKey('X', '2')]: { ...item } },
  tracking: { X: { productId: 1 } },
  sales: [],
  locations: { '1': 11, '2': 12 },
  orderLocation: '1',
  safetyBuffer: 1,
  ...over,
});
const none = new Map<string, number>();

describe('soldOutButShown (an item written without waiting for the quiet window)', () => {
  it('is an item with nothing sellable left at the order location that BigCommerce shows above 0, or was never seen showing', () => {
    expect(soldOutButShown(view({ available: 1, onHand: 1, changedAtMs: 1, storeLevel: 3 }), X, none)).toBe(true);
    expect(soldOutButShown(view({ available: 0, onHand: 0, changedAtMs: 1 }), X, none)).toBe(true);
  });

  it('counts units sold in BigCommerce and not booked, and units its webhooks announced', () => {
    const sale: PendingSale = { orderId: 7, units: { X: 2 }, orderCreatedS: 1, reportedAtMs: 1 };
    expect(soldOutButShown(view({ available: 3, onHand: 3, changedAtMs: 1, storeLevel: 2 }), X, none)).toBe(false);
    expect(soldOutButShown(view({ available: 3, onHand: 3, changedAtMs: 1, storeLevel: 2 }, { sales: [sale] }), X, none)).toBe(true);
    expect(soldOutButShown(view({ available: 3, onHand: 3, changedAtMs: 1, storeLevel: 2 }), X, new Map([['X', 2]]))).toBe(true);
  });

  it('is not an item BigCommerce already shows at 0, a mere decrease, another location, or an item that cannot be written', () => {
    expect(soldOutButShown(view({ available: 1, onHand: 1, changedAtMs: 1, storeLevel: 0 }), X, none)).toBe(false);
    expect(soldOutButShown(view({ available: 4, onHand: 4, changedAtMs: 1, storeLevel: 9 }), X, none)).toBe(false);
    expect(soldOutButShown(view({ available: 0, onHand: 0, changedAtMs: 1, storeLevel: 3 }), levelKey('X', '2'), none)).toBe(false);
    expect(soldOutButShown(view({ available: 0, onHand: 0, changedAtMs: 1, storeLevel: 3 }, { tracking: { X: null } }), X, none)).toBe(false);
  });
});
