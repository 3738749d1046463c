import { z } from 'zod';
import type { BcProductState } from '../../../domain/catalog/item';
import type { BigCommerceClient } from '../client';
import { bcProductSchema, toProductState } from './schemas';

type CallOpts = { signal?: AbortSignal; priority?: number };

/** Only the fields the sync compares: a read of 250 products stays small. */
const FIELDS = 'id,sku,name,description,price,weight,is_visible,base_variant_id';

/**
 * The products with these SKUs (the products' own SKUs, at most 250), their variants included: one
 * call. `sku:in` matches the main SKU only, so matrix children are found through their parent.
 * https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
 */
export async function readProductsBySku(client: BigCommerceClient, skus: string[], opts: CallOpts = {}): Promise<BcProductState[]> {
  if (!skus.length) return [];
  if (skus.length > 250) throw new Error('at most 250 SKUs per read (the page size)');
  const read = async (query: Record<string, string>) =>
    (
      await client.request(
        { method: 'GET', path: '/v3/catalog/products', query: { ...query, include: 'variants', include_fields: FIELDS, limit: 250 }, route: '/v3/catalog/products', ...opts },
        z.object({ data: z.array(bcProductSchema) }),
      )
    ).data?.data ?? [];
  // A comma inside a SKU would split the `sku:in` list: such SKUs (rare) are read one by one with `sku=`.
  const listed = skus.filter((s) => !s.includes(','));
  const found = listed.length ? await read({ 'sku:in': listed.join(',') }) : [];
  for (const sku of skus.filter((s) => s.includes(','))) found.push(...(await read({ sku })));
  return found.map(toProductState);
}
