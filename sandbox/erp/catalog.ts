import { z } from 'zod';
import type { ErpSandboxContext, ErpSandboxExtension } from './extensions';
import type { ErpCatalogRecord } from './state';
import { formatTimestamp, parseToTimestamp, type SuiteQlRow } from './suiteql';
import { invalidControlRequest } from '../control-errors';

/**
 * The ERP's catalog: what an item record carries for the store (name, store description, weight,
 * inactive flag, matrix parent and option values, a price per price level) and when it last
 * changed. Kept in its own field of the ERP data (`catalog`, by SKU); every catalog SKU is also an
 * ERP item (`ctx.ensureItem`), so sales orders can reference it.
 *
 * Answers the two SuiteQL queries the catalog sync sends (connectors/erp/netsuite/catalog-items.ts):
 * items changed after a (lastmodifieddate, id) keyset cursor, or items by SKU, and their prices.
 */

export const BASE_PRICE_LEVEL = 'Base Price';

const recordInput = z.object({
  sku: z.string().min(1).max(60),
  displayName: z.string().min(1).optional(),
  storeDescription: z.string().optional(),
  weight: z.number().optional(),
  isInactive: z.boolean().optional(),
  matrixType: z.enum(['PARENT', 'CHILD']).nullable().optional(),
  parentSku: z.string().min(1).nullable().optional(),
  options: z.record(z.string(), z.string()).optional(),
  prices: z.record(z.string(), z.number()).optional(),
});
/** `POST /__sandbox/catalog`: upserts many items at once (a field left out keeps its value). */
const catalogControl = z.object({
  items: z.array(recordInput).max(50_000),
  /** The items' lastmodifieddate, ms; default now. Equal times are told apart by id, as the cursor does. */
  modifiedMs: z.number().int().optional(),
});

const optionsText = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');

function installCatalog(ctx: ErpSandboxContext): void {
  const catalog = () => (ctx.data.catalog ??= {});
  /** The records sorted by (lastmodifieddate, id), cached until the catalog changes. */
  let sorted: ErpCatalogRecord[] | undefined;

  ctx.controls.post('/catalog', (req, res) => {
    const parsed = catalogControl.safeParse(req.body);
    if (!parsed.success) return void invalidControlRequest(res, parsed.error);
    const at = parsed.data.modifiedMs ?? ctx.now();
    const byId = new Map(ctx.data.items.map((i) => [i.itemId, i]));
    let nextId = Math.max(5000, ...ctx.data.items.map((i) => Number(i.id))) + 1;
    const skus: string[] = [];
    for (const input of parsed.data.items) {
      let item = byId.get(input.sku);
      if (!item) {
        // What ensureItem does, in bulk.
        item = { id: String(nextId++), itemId: input.sku, externalId: input.sku, displayName: input.displayName ?? input.sku };
        ctx.data.items.push(item);
        byId.set(input.sku, item);
      }
      const prev = catalog()[input.sku];
      catalog()[input.sku] = {
        id: item.id,
        sku: input.sku,
        displayName: input.displayName ?? prev?.displayName ?? input.sku,
        storeDescription: input.storeDescription ?? prev?.storeDescription ?? '',
        weight: input.weight ?? prev?.weight ?? 0,
        isInactive: input.isInactive ?? prev?.isInactive ?? false,
        matrixType: input.matrixType !== undefined ? input.matrixType : (prev?.matrixType ?? null),
        parentSku: input.parentSku !== undefined ? input.parentSku : (prev?.parentSku ?? null),
        options: input.options ?? prev?.options ?? {},
        prices: { ...(prev?.prices ?? {}), ...(input.prices ?? {}) },
        lastModifiedMs: at,
      };
      skus.push(input.sku);
    }
    sorted = undefined;
    ctx.changed();
    res.json({ upserted: skus.length, modifiedMs: at, items: Object.keys(catalog()).length });
  });
  ctx.controls.get('/catalog/:sku', (req, res) => {
    const r = catalog()[String(req.params.sku)];
    if (!r) return void res.status(404).json({ error: 'no such catalog item' });
    res.json(r);
  });

  const rowOf = (r: ErpCatalogRecord): SuiteQlRow => ({
    id: r.id,
    itemid: r.sku,
    displayname: r.displayName,
    storedescription: r.storeDescription,
    weight: r.weight,
    // SuiteQL answers booleans as "T"/"F".
    isinactive: r.isInactive ? 'T' : 'F',
    matrixtype: r.matrixType,
    parentsku: r.parentSku,
    custitem_bcsync_options: optionsText(r.options) || null,
    lastmodified: formatTimestamp(r.lastModifiedMs),
  });
  const inOrder = (): ErpCatalogRecord[] => (sorted ??= Object.values(catalog()).sort((a, b) => a.lastModifiedMs - b.lastModifiedMs || Number(a.id) - Number(b.id)));

  // Changed items after a keyset cursor: lastmodifieddate later than the cursor's, or equal with a larger id.
  ctx.suiteql.register({
    name: 'catalog items changed after (lastmodifieddate, id)',
    pattern:
      /^SELECT i\.id, i\.itemid, i\.displayname, i\.storedescription, i\.weight, i\.isinactive, i\.matrixtype, p\.itemid AS parentsku, i\.custitem_bcsync_options, TO_CHAR\(i\.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS\.FF3'\) AS lastmodified FROM item i LEFT JOIN item p ON p\.id = i\.parent WHERE i\.lastmodifieddate > TO_TIMESTAMP\('([^']+)', 'YYYY-MM-DD HH24:MI:SS\.FF3'\) OR \(i\.lastmodifieddate = TO_TIMESTAMP\('([^']+)', 'YYYY-MM-DD HH24:MI:SS\.FF3'\) AND i\.id > (\d+)\) ORDER BY i\.lastmodifieddate, i\.id$/,
    rows(m) {
      const after = parseToTimestamp(m[1]!);
      const id = Number(m[3]!);
      return inOrder()
        .filter((r) => r.lastModifiedMs > after || (r.lastModifiedMs === after && Number(r.id) > id))
        .map(rowOf);
    },
  });
  // Items by SKU (ops retrying parked items, `bcsync catalog plan --sku`).
  ctx.suiteql.register({
    name: 'catalog items by itemid',
    pattern:
      /^SELECT i\.id, i\.itemid, i\.displayname, i\.storedescription, i\.weight, i\.isinactive, i\.matrixtype, p\.itemid AS parentsku, i\.custitem_bcsync_options, TO_CHAR\(i\.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS\.FF3'\) AS lastmodified FROM item i LEFT JOIN item p ON p\.id = i\.parent WHERE i\.itemid IN \(((?:'[^']*'(?:, )?)+)\) ORDER BY i\.lastmodifieddate, i\.id$/,
    rows(m) {
      const skus = new Set([...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!.replace(/''/g, "'")));
      return inOrder()
        .filter((r) => skus.has(r.sku))
        .map(rowOf);
    },
  });
  // Prices of some items, one row per item and price level (NetSuite's `pricing` table).
  ctx.suiteql.register({
    name: 'prices of items',
    pattern: /^SELECT pr\.item, BUILTIN\.DF\(pr\.pricelevel\) AS pricelevel, pr\.unitprice FROM pricing pr WHERE pr\.item IN \(([\d, ]+)\) ORDER BY pr\.item, pr\.pricelevel$/,
    rows(m) {
      const ids = new Set(m[1]!.split(',').map((s) => s.trim()));
      const out: SuiteQlRow[] = [];
      for (const r of Object.values(catalog())) {
        if (!ids.has(r.id)) continue;
        for (const [level, price] of Object.entries(r.prices)) out.push({ item: r.id, pricelevel: level, unitprice: price });
      }
      return out.sort((a, b) => Number(a.item) - Number(b.item) || String(a.pricelevel).localeCompare(String(b.pricelevel)));
    },
  });
}

export const erpCatalogExtension: ErpSandboxExtension = installCatalog;
