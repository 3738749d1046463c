import { z } from 'zod';
import type { ParkedItem } from '../../../domain/catalog/item';
import type { PriceRecordWrite } from '../../../domain/catalog/diff';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';

type CallOpts = { signal?: AbortSignal; priority?: number };

/**
 * The store's price lists by name (one call; a store has few), creating those missing: each ERP
 * price level is a price list of the same name.
 * https://developer.bigcommerce.com/docs/rest-management/price-lists#get-all-price-lists
 */
export async function ensurePriceLists(client: BigCommerceClient, names: string[], opts: CallOpts = {}): Promise<{ lists: Record<string, number>; calls: number }> {
  const list = z.object({ id: z.number().int(), name: z.string() });
  const res = await client.request({ method: 'GET', path: '/v3/pricelists', query: { limit: 250 }, ...opts }, z.object({ data: z.array(list) }));
  const lists: Record<string, number> = {};
  for (const l of res.data?.data ?? []) lists[l.name] = l.id;
  let calls = 1;
  for (const name of names) {
    if (lists[name] !== undefined) continue;
    calls++;
    // https://developer.bigcommerce.com/docs/rest-management/price-lists#create-a-price-list
    const created = await client.request({ method: 'POST', path: '/v3/pricelists', body: { name, active: true }, ...opts }, z.object({ data: list }));
    lists[name] = created.data!.data.id;
  }
  return { lists, calls };
}

/**
 * The current records of these variants in one price list (at most 250: one page).
 * https://developer.bigcommerce.com/docs/rest-management/price-lists/price-lists-records#get-price-records
 */
export async function readPriceRecords(
  client: BigCommerceClient,
  priceListId: number,
  variantIds: number[],
  currency: string,
  opts: CallOpts = {},
): Promise<Record<string, number>> {
  if (!variantIds.length) return {};
  if (variantIds.length > 250) throw new Error('at most 250 variants per read (the page size)');
  const res = await client.request(
    {
      method: 'GET',
      path: `/v3/pricelists/${priceListId}/records`,
      query: { 'variant_id:in': variantIds.join(','), currency, limit: 250, page: 1 },
      route: '/v3/pricelists/{id}/records',
      ...opts,
    },
    z.object({ data: z.array(z.object({ variant_id: z.number().int(), price: z.number(), currency: z.string() })) }),
  );
  return Object.fromEntries((res.data?.data ?? []).map((r) => [String(r.variant_id), r.price]));
}

/**
 * PUT /v3/pricelists/{id}/records: up to 1000 records created or updated in one call, at most 2 such
 * calls in flight per store (the caller keeps to that). One bad record refuses the batch with a 422
 * whose `batch_errors` echo its identifiers: we park those and send the rest again.
 * https://developer.bigcommerce.com/docs/rest-management/price-lists/price-lists-records#set-price-records
 */
export async function upsertPriceRecords(
  client: BigCommerceClient,
  priceListId: number,
  records: PriceRecordWrite[],
  currency: string,
  opts: CallOpts = {},
): Promise<{ written: number; parked: ParkedItem[]; calls: number }> {
  if (records.length > 1000) throw new Error('at most 1000 records per upsert');
  const parked: ParkedItem[] = [];
  let pending = records;
  let calls = 0;
  while (pending.length) {
    calls++;
    try {
      await client.request(
        {
          method: 'PUT',
          path: `/v3/pricelists/${priceListId}/records`,
          body: pending.map((r) => ({ variant_id: r.variantId, price: r.price, currency })),
          route: '/v3/pricelists/{id}/records',
          ...opts,
        },
        z.unknown(),
      );
      return { written: pending.length, parked, calls };
    } catch (err) {
      if (!(err instanceof BigCommerceError) || err.kind !== 'validation') throw err;
      const parsed = z
        .object({ batch_errors: z.array(z.object({ data: z.object({ variant_id: z.number().optional() }).loose(), field_errors: z.record(z.string(), z.string()).optional() })) })
        .safeParse(err.details.body);
      if (!parsed.success || parsed.data.batch_errors.length === 0) throw err;
      const bad = new Map(
        parsed.data.batch_errors.map((e) => [
          e.data.variant_id,
          Object.entries(e.field_errors ?? {})
            .map(([k, v]) => `${k}: ${v}`)
            .join('; '),
        ]),
      );
      for (const r of pending)
        if (bad.has(r.variantId)) parked.push({ sku: r.sku, type: 'BcValidation', reason: `price list ${priceListId}: ${bad.get(r.variantId) || 'refused'}` });
      const next = pending.filter((r) => !bad.has(r.variantId));
      if (next.length === pending.length) throw err;
      pending = next;
    }
  }
  return { written: 0, parked, calls };
}
