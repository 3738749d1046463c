import { z } from 'zod';
import type { CatalogCursor, CatalogItem } from '../../../domain/catalog/item';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/**
 * Catalog items changed in NetSuite, read with SuiteQL: the item fields from `item` (its matrix
 * parent joined for the parent's SKU), then their prices from `pricing`, one row per price level.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */

/** NetSuite's base price level: the store price. Other levels go to price lists of the same name. */
export const BASE_PRICE_LEVEL = 'Base Price';
const PAGE = 1000;
/**
 * A page handed to the workflow stays under this many bytes of JSON (Temporal refuses a payload
 * over 2 MB and warns above 512 kB): long store descriptions shorten the page, never break it.
 */
export const PAGE_BYTES = 900_000;

// --- NetSuite's shape: SuiteQL rows (lower-case column names, booleans as "T"/"F", every value may be null) ---

const itemRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  itemid: z.string(),
  displayname: z.string().nullish(),
  storedescription: z.string().nullish(),
  weight: z.union([z.number(), z.string()]).nullish(),
  isinactive: z.enum(['T', 'F']).nullish(),
  matrixtype: z.enum(['PARENT', 'CHILD']).nullish(),
  parentsku: z.string().nullish(),
  custitem_bcsync_options: z.string().nullish(),
  lastmodified: z.string(),
});
const priceRow = z.object({ item: z.union([z.string(), z.number()]).transform(String), pricelevel: z.string(), unitprice: z.union([z.number(), z.string()]).nullish() });
const page = <T extends z.ZodType>(row: T) => z.object({ items: z.array(row), hasMore: z.boolean() });

const SELECT =
  "SELECT i.id, i.itemid, i.displayname, i.storedescription, i.weight, i.isinactive, i.matrixtype, p.itemid AS parentsku, i.custitem_bcsync_options, TO_CHAR(i.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS.FF3') AS lastmodified FROM item i LEFT JOIN item p ON p.id = i.parent";
const ORDER = 'ORDER BY i.lastmodifieddate, i.id';

/** Timestamps are written and read in UTC (the integration role's time zone must be UTC). */
const toTimestamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const fromTimestamp = (text: string): number => {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new ErpError('bad_response', `unexpected lastmodified ${text}`, {});
  return ms;
};
const literal = (ms: number) => `TO_TIMESTAMP('${toTimestamp(ms)}', 'YYYY-MM-DD HH24:MI:SS.FF3')`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function rows<T extends z.ZodType>(client: NetSuiteClient, q: string, row: T, offset = 0, limit = PAGE): Promise<{ items: z.output<T>[]; hasMore: boolean }> {
  const res = await client.suiteql(q, { limit, offset });
  const parsed = page(row).safeParse(res);
  if (!parsed.success) throw new ErpError('bad_response', `SuiteQL: unexpected response: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, {});
  return parsed.data;
}

/** "Size=M;Color=Red" -> options (a custom item field: NetSuite's matrix options differ per account). */
function parseOptions(text: string | null | undefined) {
  return (text ?? '')
    .split(';')
    .map((p) => p.split('='))
    .filter((kv) => kv.length === 2 && kv[0]!.trim() && kv[1]!.trim())
    .map(([name, value]) => ({ name: name!.trim(), value: value!.trim() }));
}

async function withPrices(client: NetSuiteClient, items: z.output<typeof itemRow>[]): Promise<CatalogItem[]> {
  const prices = new Map<string, Record<string, number>>();
  if (items.length) {
    const q = `SELECT pr.item, BUILTIN.DF(pr.pricelevel) AS pricelevel, pr.unitprice FROM pricing pr WHERE pr.item IN (${items.map((i) => Number(i.id)).join(', ')}) ORDER BY pr.item, pr.pricelevel`;
    for (let offset = 0; ; offset += PAGE) {
      const p = await rows(client, q, priceRow, offset);
      for (const r of p.items) {
        if (r.unitprice === null || r.unitprice === undefined || r.unitprice === '') continue;
        prices.set(r.item, { ...prices.get(r.item), [r.pricelevel]: Number(r.unitprice) });
      }
      if (!p.hasMore) break;
    }
  }
  return items.map((r) => {
    const { [BASE_PRICE_LEVEL]: base, ...levels } = prices.get(r.id) ?? {};
    return {
      erpId: r.id,
      sku: r.itemid,
      name: r.displayname || r.itemid,
      description: r.storedescription ?? '',
      weight: Number(r.weight ?? 0),
      active: r.isinactive !== 'T',
      matrix: r.matrixtype === 'PARENT' ? 'parent' : r.matrixtype === 'CHILD' ? 'child' : null,
      parentSku: r.parentsku ?? null,
      options: parseOptions(r.custitem_bcsync_options),
      price: base ?? null,
      levelPrices: levels,
      modifiedMs: fromTimestamp(r.lastmodified),
    };
  });
}

/**
 * The next page of items changed after `cursor`, oldest change first. Keyset paging on
 * (lastmodifieddate, id), never by offset: an item changed while we page moves to the end instead
 * of shifting every later row by one (an offset would skip one).
 */
export async function listChangedItems(client: NetSuiteClient, cursor: CatalogCursor, limit = PAGE): Promise<{ items: CatalogItem[]; more: boolean; next: CatalogCursor }> {
  const q = `${SELECT} WHERE i.lastmodifieddate > ${literal(cursor.modifiedMs)} OR (i.lastmodifieddate = ${literal(cursor.modifiedMs)} AND i.id > ${Math.floor(cursor.erpId)}) ${ORDER}`;
  const p = await rows(client, q, itemRow, 0, limit);
  const all = await withPrices(client, p.items);
  // Keyset paging makes a shorter page free: the next one starts after the last item kept.
  const items: typeof all = [];
  let bytes = 0;
  for (const item of all) {
    bytes += JSON.stringify(item).length;
    if (bytes > PAGE_BYTES && items.length > 0) break;
    items.push(item);
  }
  const last = items[items.length - 1];
  return { items, more: p.hasMore || items.length < all.length, next: last ? { modifiedMs: last.modifiedMs, erpId: Number(last.erpId) } : cursor };
}

/** Items by SKU, whatever their change time (retrying parked items, `bcsync catalog plan --sku`). */
export async function getItemsBySku(client: NetSuiteClient, skus: string[]): Promise<CatalogItem[]> {
  if (!skus.length) return [];
  const p = await rows(client, `${SELECT} WHERE i.itemid IN (${skus.map(quote).join(', ')}) ${ORDER}`, itemRow);
  return withPrices(client, p.items);
}
