import { z } from 'zod';
import { findVariant, findVariantBySkuAnyCase } from './catalog';
import type { SandboxContext } from './context';
import { nextId, type V3PriceList, type V3PriceRecord } from './state';
import { invalidJson, tooManyItems, V3Failure } from './v3-errors';
import { csv, csvInts, date, num, param, withinRange, type Query } from './v3-query';

/** Price lists and their records (price_lists.v3.yml; FACTS.md sections 3, 10). */

export const RECORD_UPSERT_MAX = 1000;

export const serializePriceList = (l: V3PriceList) => ({ id: l.id, name: l.name, date_created: l.date_created, date_modified: l.date_modified, active: l.active });

const priceListCreate = z.object({ name: z.string().min(1).max(255), active: z.boolean().optional() });

export function createPriceList(ctx: SandboxContext, body: unknown): V3PriceList {
  const parsed = priceListCreate.safeParse(body);
  if (!parsed.success) throw invalidJson(parsed.error, body);
  const name = parsed.data.name.trim();
  if (Object.values(ctx.data.priceLists).some((l) => l.name.toLowerCase() === name.toLowerCase())) {
    throw new V3Failure(409, 'Price List conflicts with another Price List.', { name: `A price list named "${name}" already exists.` });
  }
  const nowIso = new Date(ctx.now()).toISOString();
  // "Boolean value that specifies whether this Price List and its prices are active or not. Defaults to true."
  const list: V3PriceList = { id: nextId(ctx.data, 'priceList'), name, active: parsed.data.active ?? true, date_created: nowIso, date_modified: nowIso, records: {} };
  ctx.data.priceLists[String(list.id)] = list;
  ctx.changed();
  return list;
}

export function findPriceLists(ctx: SandboxContext, query: Query): V3PriceList[] {
  const name = param(query, 'name');
  const like = param(query, 'name:like')?.toLowerCase();
  const ids = csvInts(query, 'id:in');
  const createdMin = date(query, 'date_created:min');
  const createdMax = date(query, 'date_created:max');
  const modifiedMin = date(query, 'date_modified:min');
  const modifiedMax = date(query, 'date_modified:max');
  return Object.values(ctx.data.priceLists)
    .filter(
      (l) =>
        (name === undefined || l.name.toLowerCase() === name.toLowerCase()) &&
        (like === undefined || l.name.toLowerCase().includes(like)) &&
        (!ids || ids.includes(l.id)) &&
        withinRange(Date.parse(l.date_created), createdMin, createdMax) &&
        withinRange(Date.parse(l.date_modified), modifiedMin, modifiedMax),
    )
    .sort((a, b) => a.id - b.id);
}

const calculatedPrice = (r: V3PriceRecord) => r.sale_price ?? r.price;

export function serializeRecord(ctx: SandboxContext, list: V3PriceList, r: V3PriceRecord, include: ReadonlySet<string>) {
  const variant = findVariant(ctx.data, r.variant_id);
  const { bulk_pricing_tiers, ...prices } = r;
  return {
    price_list_id: list.id,
    ...prices,
    calculated_price: calculatedPrice(r),
    product_id: variant?.product_id ?? 0,
    // "Sub-resources to include on a price record ... bulk_pricing_tiers and sku. Other values will be ignored."
    ...(include.has('sku') && variant ? { sku: variant.sku } : {}),
    ...(include.has('bulk_pricing_tiers') ? { bulk_pricing_tiers } : {}),
  };
}

/** GET /v3/pricelists/{id}/records filters, sorted by variant then currency. */
export function findRecords(ctx: SandboxContext, list: V3PriceList, query: Query): V3PriceRecord[] {
  const variantIds = csvInts(query, 'variant_id:in');
  const productIds = csvInts(query, 'product_id:in');
  const currencies = [...(csv(query, 'currency:in') ?? []), ...(param(query, 'currency') ? [param(query, 'currency')!] : [])].map((c) => c.toLowerCase());
  const skus = [...(csv(query, 'sku:in') ?? []), ...(param(query, 'sku') ? [param(query, 'sku')!] : [])].map((s) => s.toLowerCase());
  const priceTests = (['price', 'sale_price', 'retail_price', 'map_price', 'calculated_price'] as const).map((field) => {
    const exact = num(query, field);
    const min = num(query, `${field}:min`);
    const max = num(query, `${field}:max`);
    return (r: V3PriceRecord) => {
      if (exact === undefined && min === undefined && max === undefined) return true;
      const value = field === 'calculated_price' ? calculatedPrice(r) : r[field];
      return value !== undefined && (exact === undefined || value === exact) && withinRange(value, min, max);
    };
  });
  const modifiedMin = date(query, 'date_modified:min');
  const modifiedMax = date(query, 'date_modified:max');
  const createdMin = date(query, 'date_created:min');
  const createdMax = date(query, 'date_created:max');
  return Object.values(list.records)
    .filter((r) => {
      const variant = findVariant(ctx.data, r.variant_id);
      return (
        (!variantIds || variantIds.includes(r.variant_id)) &&
        (!productIds || (variant !== undefined && productIds.includes(variant.product_id))) &&
        (!currencies.length || currencies.includes(r.currency)) &&
        (!skus.length || (variant !== undefined && skus.includes(variant.sku.toLowerCase()))) &&
        priceTests.every((t) => t(r)) &&
        withinRange(Date.parse(r.date_created), createdMin, createdMax) &&
        withinRange(Date.parse(r.date_modified), modifiedMin, modifiedMax)
      );
    })
    .sort((a, b) => a.variant_id - b.variant_id || a.currency.localeCompare(b.currency));
}

export const recordKey = (r: Pick<V3PriceRecord, 'variant_id' | 'currency'>) => `${r.variant_id}:${r.currency}`;

const recordInput = z
  .object({
    variant_id: z.number().int().optional(),
    sku: z.string().min(1).optional(),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'a 3-letter ISO-4217 code'),
    price: z.number().min(0),
    sale_price: z.number().min(0).optional(),
    retail_price: z.number().min(0).optional(),
    map_price: z.number().min(0).optional(),
    bulk_pricing_tiers: z
      .array(
        z.object({
          quantity_min: z.number().int().min(0),
          quantity_max: z.number().int().min(0).nullable().optional(),
          type: z.enum(['fixed', 'price', 'percent']),
          amount: z.number(),
        }),
      )
      .optional(),
  })
  .refine((r) => r.variant_id !== undefined || r.sku !== undefined, { message: 'Either variant_id or sku is required', path: ['variant_id'] });

/**
 * PUT /v3/pricelists/{id}/records: creates or updates up to 1000 records. Every item is checked
 * first; any bad one makes the 422 `batch_errors` answer and nothing is written.
 */
export function upsertRecords(ctx: SandboxContext, list: V3PriceList, body: unknown): void {
  const array = z.array(z.unknown()).safeParse(body);
  if (!array.success) throw invalidJson(array.error, body);
  if (array.data.length > RECORD_UPSERT_MAX) throw tooManyItems(RECORD_UPSERT_MAX);

  const batchErrors: Array<{ data: Record<string, unknown>; field_errors: Record<string, string> }> = [];
  const ready: V3PriceRecord[] = [];
  const nowIso = new Date(ctx.now()).toISOString();
  array.data.forEach((raw) => {
    const ident = (raw ?? {}) as Record<string, unknown>;
    // The identifiers as sent, where they have the right type (they are echoed in the error).
    const data = {
      price_list_id: list.id,
      ...(Number.isInteger(ident.variant_id) ? { variant_id: ident.variant_id } : {}),
      ...(typeof ident.sku === 'string' ? { sku: ident.sku } : {}),
      ...(typeof ident.currency === 'string' ? { currency: ident.currency } : {}),
    };
    const parsed = recordInput.safeParse(raw);
    if (!parsed.success) {
      batchErrors.push({ data, field_errors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'record', i.message])) });
      return;
    }
    const r = parsed.data;
    const variant = r.variant_id !== undefined ? findVariant(ctx.data, r.variant_id) : findVariantBySkuAnyCase(ctx.data, r.sku!);
    if (!variant || (r.sku !== undefined && variant.sku.toLowerCase() !== r.sku.toLowerCase())) {
      batchErrors.push({ data, field_errors: { [r.variant_id !== undefined ? 'variant_id' : 'sku']: 'no such variant' } });
      return;
    }
    const currency = r.currency.toLowerCase();
    const existing = list.records[recordKey({ variant_id: variant.id, currency })];
    ready.push({
      variant_id: variant.id,
      currency,
      price: r.price,
      ...(r.sale_price !== undefined ? { sale_price: r.sale_price } : {}),
      ...(r.retail_price !== undefined ? { retail_price: r.retail_price } : {}),
      ...(r.map_price !== undefined ? { map_price: r.map_price } : {}),
      bulk_pricing_tiers: (r.bulk_pricing_tiers ?? existing?.bulk_pricing_tiers ?? []).map((t) => ({ ...t, quantity_max: t.quantity_max ?? null })),
      date_created: existing?.date_created ?? nowIso,
      date_modified: nowIso,
    });
  });
  if (batchErrors.length) throw new BatchErrors(batchErrors);
  for (const r of ready) list.records[recordKey(r)] = r;
  list.date_modified = nowIso;
  ctx.changed();
}

/** The 422 of a record batch: `{batch_errors:[{data:{identifiers}, field_errors}]}` (price_lists.v3.yml). */
export class BatchErrors extends Error {
  constructor(readonly batchErrors: Array<{ data: Record<string, unknown>; field_errors: Record<string, string> }>) {
    super('batch errors');
  }
}
