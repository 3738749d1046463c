import { z } from 'zod';
import type { BigCommerceClient } from '../client';
import { BigCommerceError } from '../errors';

const metafieldSchema = z.object({ id: z.number().int(), namespace: z.string(), key: z.string(), value: z.string() });
const one = z.object({ data: metafieldSchema });
const many = z.object({ data: z.array(metafieldSchema) });

/**
 * Keeps one metafield on an order (e.g. the ERP's id). A metafield does not change the order's
 * `date_modified` and fires no order event, so writing it back costs no second pass. POST first: a
 * (client, namespace, key, order) that exists answers 409, which makes a retried POST harmless;
 * only then is it read and, if its value differs, updated.
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-metafields
 */
export async function ensureOrderMetafield(
  client: BigCommerceClient,
  orderId: number,
  field: { namespace: string; key: string; value: string; description?: string },
  opts: { signal?: AbortSignal; priority?: number } = {},
): Promise<{ id: number; outcome: 'created' | 'unchanged' | 'updated' }> {
  try {
    const res = await client.request(
      {
        method: 'POST',
        path: `/v3/orders/${orderId}/metafields`,
        route: '/v3/orders/{id}/metafields',
        body: { permission_set: 'read', namespace: field.namespace, key: field.key, value: field.value, description: field.description ?? '' },
        signal: opts.signal,
        priority: opts.priority,
      },
      one,
    );
    if (!res.data) throw new BigCommerceError('bad_response', `POST metafield on order ${orderId} answered with no body`);
    return { id: res.data.data.id, outcome: 'created' };
  } catch (err) {
    if (!(err instanceof BigCommerceError && err.kind === 'conflict')) throw err;
  }
  const list = await client.request(
    {
      method: 'GET',
      path: `/v3/orders/${orderId}/metafields`,
      route: '/v3/orders/{id}/metafields',
      query: { namespace: field.namespace, key: field.key },
      signal: opts.signal,
      priority: opts.priority,
    },
    many,
  );
  const existing = list.data?.data.find((m) => m.namespace === field.namespace && m.key === field.key);
  if (!existing) throw new BigCommerceError('bad_response', `metafield ${field.namespace}/${field.key} on order ${orderId} conflicts but cannot be found`);
  if (existing.value === field.value) return { id: existing.id, outcome: 'unchanged' };
  await client.request(
    {
      method: 'PUT',
      path: `/v3/orders/${orderId}/metafields/${existing.id}`,
      route: '/v3/orders/{id}/metafields/{id}',
      body: { value: field.value },
      signal: opts.signal,
      priority: opts.priority,
    },
    one,
  );
  return { id: existing.id, outcome: 'updated' };
}
