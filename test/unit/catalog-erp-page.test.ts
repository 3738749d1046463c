import { describe, expect, it } from 'vitest';
import { listChangedItems, PAGE_BYTES } from '../../connectors/erp/netsuite/catalog-items';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';

/** A NetSuite that answers the two catalog queries from rows in memory. */
function fakeNetSuite(rows: Array<Record<string, unknown>>, prices: Array<Record<string, unknown>>) {
  const queries: string[] = [];
  const client = {
    async suiteql(q: string) {
      queries.push(q);
      return q.includes('FROM pricing') ? { items: prices, hasMore: false } : { items: rows, hasMore: false };
    },
  } as unknown as NetSuiteClient;
  return { client, queries };
}

const row = (id: number, description = '') => ({
  id: String(id),
  itemid: `SKU-${id}`,
  displayname: `Item ${id}`,
  storedescription: description,
  weight: '1.5',
  isinactive: 'F',
  matrixtype: null,
  parentsku: null,
  custitem_bcsync_options: null,
  lastmodified: '2026-11-27 10:00:00.250',
});

describe('ERP catalog page', () => {
  it('maps SuiteQL rows and price levels to items, and keyset-pages after the last row', async () => {
    const { client, queries } = fakeNetSuite(
      [row(7), { ...row(8), matrixtype: 'CHILD', parentsku: 'SKU-P', custitem_bcsync_options: 'Size=M; Color = Red', isinactive: 'T' }],
      [
        { item: '7', pricelevel: 'Base Price', unitprice: '12.50' },
        { item: '7', pricelevel: 'Wholesale', unitprice: 10 },
        { item: '8', pricelevel: 'Base Price', unitprice: null },
      ],
    );
    const page = await listChangedItems(client, { modifiedMs: Date.UTC(2026, 10, 27, 9), erpId: 3 });
    expect(queries[0]).toContain(
      "i.lastmodifieddate > TO_TIMESTAMP('2026-11-27 09:00:00.000', 'YYYY-MM-DD HH24:MI:SS.FF3') OR (i.lastmodifieddate = TO_TIMESTAMP('2026-11-27 09:00:00.000', 'YYYY-MM-DD HH24:MI:SS.FF3') AND i.id > 3)",
    );
    expect(queries[1]).toContain('WHERE pr.item IN (7, 8)');
    expect(page.items[0]).toMatchObject({ sku: 'SKU-7', price: 12.5, levelPrices: { Wholesale: 10 }, weight: 1.5, active: true, matrix: null });
    expect(page.items[1]).toMatchObject({
      sku: 'SKU-8',
      price: null,
      active: false,
      matrix: 'child',
      parentSku: 'SKU-P',
      options: [
        { name: 'Size', value: 'M' },
        { name: 'Color', value: 'Red' },
      ],
    });
    expect(page.next).toEqual({ modifiedMs: Date.UTC(2026, 10, 27, 10, 0, 0, 250), erpId: 8 });
    expect(page.more).toBe(false);
  });

  it('shortens a page of long descriptions to fit a Temporal payload, and says there is more', async () => {
    const long = 'x'.repeat(200_000);
    const { client } = fakeNetSuite(
      [1, 2, 3, 4, 5, 6, 7].map((id) => row(id, long)),
      [],
    );
    const page = await listChangedItems(client, { modifiedMs: 0, erpId: 0 });
    expect(JSON.stringify(page.items).length).toBeLessThanOrEqual(PAGE_BYTES);
    expect(page.items.length).toBe(4);
    expect(page).toMatchObject({ more: true, next: { erpId: 4 } });
  });
});
