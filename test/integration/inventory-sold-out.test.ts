import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { eventually, startStack, type Stack } from '../support/stack';
import { storeApi } from '../support/store-calls';
import type { Json } from '../support/json';

// A busy store: the ERP's changes never pause for the quiet window (3 s), so everything waits for
// INVENTORY_MAX_WAIT (30 s) unless it must not.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    INVENTORY_LOCATIONS: '1:1',
    INVENTORY_SAFETY_BUFFER: '1',
    INVENTORY_QUIET: '3s',
    INVENTORY_MAX_WAIT: '30s',
  });
});
afterAll(async () => {
  await stack?.close();
});

const erpControl = async (method: string, p: string, body?: unknown): Promise<Json> => {
  const res = await fetch(`${stack.sandboxes.erpUrl}/__sandbox${p}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const setStock = (levels: Array<{ sku: string; location: string; onHand: number }>) => erpControl('POST', '/stock', { levels });
async function bcLevel(sku: string): Promise<number | undefined> {
  const items: Json[] = (await storeApi(stack)('GET', `/v3/inventory/items?sku:in=${encodeURIComponent(sku)}`)).data;
  return items[0]?.locations.find((l: Json) => l.location_id === 1)?.total_inventory_onhand;
}

/** Receipts of another SKU every 300 ms: the quiet window never comes while it runs. */
function busyErp(ms: number): Promise<void> {
  return (async () => {
    const end = Date.now() + ms;
    for (let n = 30; Date.now() < end; n++) {
      await setStock([{ sku: 'PACK-22', location: '1', onHand: n }]);
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
}

describe('inventory: an item sold out in the ERP is not left for sale while the ERP stays busy', () => {
  it('a decrease waits for the stream to pause; a sell-out through another channel reaches BigCommerce within seconds, and what waited rides along', async () => {
    await setStock([
      { sku: 'SOCK-MER', location: '1', onHand: 6 },
      { sku: 'MUG-TI', location: '1', onHand: 9 },
    ]);
    await eventually(async () => ((await bcLevel('SOCK-MER')) === 5 && (await bcLevel('MUG-TI')) === 8 ? true : undefined), 'the starting levels written', 40_000);

    const busy = busyErp(12_000);
    await new Promise((r) => setTimeout(r, 500));
    // Another channel sells 3 of the 9 mugs: 5 are left to sell, BigCommerce shows 8 until the stream pauses.
    expect((await erpControl('POST', '/stock/sell', { sales: [{ sku: 'MUG-TI', units: 3 }] })).sales[0].sold).toBe(3);
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await bcLevel('MUG-TI')).toBe(8);

    // Then it sells every SOCK-MER the ERP has: BigCommerce must stop selling them now.
    const startedAt = Date.now();
    expect((await erpControl('POST', '/stock/sell', { sales: [{ sku: 'SOCK-MER', units: 6 }] })).sales[0].sold).toBe(6);
    await eventually(async () => ((await bcLevel('SOCK-MER')) === 0 ? true : undefined), 'SOCK-MER sold out in BigCommerce', 6_000);
    const soldOutS = (Date.now() - startedAt) / 1000;
    expect(await bcLevel('MUG-TI')).toBe(5);
    expect(soldOutS).toBeLessThan(6);
    await busy;
    await recordHistory(stack.client.workflow.getHandle(`inventory:${stack.storeHash}`), 'inventory-sync-v3-sold-out-first');
  });
});
