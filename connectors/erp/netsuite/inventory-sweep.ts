import { z } from 'zod';
import type { ErpLevel } from '../../../domain/inventory/levels';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/**
 * The inventory sweep: stock levels changed since a watermark, by SuiteQL over
 * `inventoryitemlocations` joined to `item` (the query public integrations use: connectors
 * FACTS.md section 2), oldest change first. It corrects any ERP change event that never reached us.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 *
 * UNCONFIRMED column names (check the account's Records Catalog before going live):
 * `inventoryitemlocations.lastmodifieddate` and `quantitycommitted`. `TO_CHAR(..., 'FF3')` keeps
 * milliseconds, so the watermark is as fine as the ERP's clock.
 */

const PAGE = 1000;

// --- NetSuite's shape: SuiteQL returns every column in lower case, numbers sometimes as strings ---
const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const sweepRow = z.object({
  sku: z.string().min(1),
  location: z.union([z.string(), z.number()]).transform(String),
  quantityonhand: num.nullable().transform((v) => v ?? 0),
  quantityavailable: num.nullable().transform((v) => v ?? 0),
  lastmodified: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/),
});

/** `2026-11-27 10:00:00.123` (the account's time zone: UTC assumed, configure the account so) -> epoch ms. */
export function parseErpTimestamp(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

export const erpTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export function sweepQuery(sinceMs: number): string {
  return [
    'SELECT i.itemid AS sku, iil.location AS location, iil.quantityonhand AS quantityonhand, iil.quantitycommitted AS quantitycommitted,',
    "iil.quantityavailable AS quantityavailable, TO_CHAR(iil.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS.FF3') AS lastmodified",
    'FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item',
    `WHERE iil.lastmodifieddate >= TO_TIMESTAMP('${erpTimestamp(sinceMs)}', 'YYYY-MM-DD HH24:MI:SS.FF3')`,
    'ORDER BY iil.lastmodifieddate ASC, i.itemid ASC, iil.location ASC',
  ].join(' ');
}

export interface SweepPage {
  levels: ErpLevel[];
  /** Where the next page starts: keyset on the change time, plus an offset among rows sharing it. */
  next: { sinceMs: number; offset: number } | null;
}

/**
 * One page of levels changed at or after `sinceMs`. Keyset paging on the change time (a row
 * changed while we page moves to the end instead of shifting an offset under us); rows sharing
 * one millisecond beyond a page are reached with an offset.
 */
export async function sweepLevels(client: NetSuiteClient, cursor: { sinceMs: number; offset: number }): Promise<SweepPage> {
  const page = await client.suiteql(sweepQuery(cursor.sinceMs), { limit: PAGE, offset: cursor.offset });
  const levels: ErpLevel[] = page.items.map((raw, i) => toLevel(raw, `inventory sweep row ${cursor.offset + i}`));
  if (!page.hasMore || levels.length === 0) return { levels, next: null };
  const last = levels[levels.length - 1]!.changedAtMs;
  return { levels, next: last > cursor.sinceMs ? { sinceMs: last, offset: 0 } : { sinceMs: cursor.sinceMs, offset: cursor.offset + PAGE } };
}

function toLevel(raw: unknown, where: string): ErpLevel {
  const row = sweepRow.safeParse(raw);
  if (!row.success) throw new ErpError('bad_response', `${where}: ${row.error.issues[0]?.path.join('.')}: ${row.error.issues[0]?.message}`, {});
  return {
    sku: row.data.sku,
    location: row.data.location,
    quantityOnHand: row.data.quantityonhand,
    quantityAvailable: row.data.quantityavailable,
    changedAtMs: parseErpTimestamp(row.data.lastmodified),
  };
}

/** SKUs per query of levelsOfSkus: the `IN` list stays a few KB (a SKU is at most 255 characters). */
export const SKUS_PER_LEVELS_QUERY = 200;

/** The sweep's columns for some SKUs, whatever their change time: an `inventory.changed` event is checked against these. */
export function levelsQuery(skus: readonly string[]): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return [
    'SELECT i.itemid AS sku, iil.location AS location, iil.quantityonhand AS quantityonhand, iil.quantitycommitted AS quantitycommitted,',
    "iil.quantityavailable AS quantityavailable, TO_CHAR(iil.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS.FF3') AS lastmodified",
    'FROM inventoryitemlocations iil JOIN item i ON i.id = iil.item',
    `WHERE i.itemid IN (${skus.map(quote).join(', ')})`,
    'ORDER BY i.itemid ASC, iil.location ASC',
  ].join(' ');
}

/**
 * The ERP's own levels (and change times) of these SKUs at every location: the read an ERP change
 * event is a hint for. One query per SKUS_PER_LEVELS_QUERY SKUs, paged like the sweep.
 */
export async function levelsOfSkus(client: NetSuiteClient, skus: readonly string[]): Promise<ErpLevel[]> {
  const unique = [...new Set(skus)];
  const levels: ErpLevel[] = [];
  for (let i = 0; i < unique.length; i += SKUS_PER_LEVELS_QUERY) {
    const q = levelsQuery(unique.slice(i, i + SKUS_PER_LEVELS_QUERY));
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.suiteql(q, { limit: PAGE, offset });
      levels.push(...page.items.map((raw, n) => toLevel(raw, `inventory levels row ${offset + n}`)));
      if (!page.hasMore || page.items.length === 0) break;
    }
  }
  return levels;
}
