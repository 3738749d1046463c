import { z } from 'zod';
import type { BigCommerceClient } from './client';
import { BigCommerceError } from './errors';

// --- BigCommerce's shape (webhooks.v3.yml: webhook_Full) ---

export const bcHookSchema = z.object({
  id: z.number().int(),
  client_id: z.string(),
  store_hash: z.string(),
  scope: z.string().min(1),
  destination: z.string().min(1),
  headers: z.record(z.string(), z.string()).nullable().default(null),
  is_active: z.boolean(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type BcHook = z.output<typeof bcHookSchema>;

const hookEnvelope = z.object({ data: bcHookSchema });
const hookListEnvelope = z.object({
  data: z.array(bcHookSchema),
  meta: z.object({ pagination: z.object({ total_pages: z.number().int(), current_page: z.number().int() }).optional() }).optional(),
});

export interface HookSpec {
  scope: string;
  destination: string;
  headers: Record<string, string>;
}

/**
 * Lists only the hooks of the calling API account (BigCommerce filters by the token's client id).
 * https://developer.bigcommerce.com/docs/rest-management/webhooks#get-webhooks
 */
export async function listHooks(client: BigCommerceClient, filter: { scope?: string; destination?: string } = {}): Promise<BcHook[]> {
  const hooks: BcHook[] = [];
  for (let page = 1; ; page++) {
    const res = await client.request({ method: 'GET', path: '/v3/hooks', query: { page, limit: 250, scope: filter.scope, destination: filter.destination } }, hookListEnvelope);
    const data = res.data?.data ?? [];
    hooks.push(...data);
    const pagination = res.data?.meta?.pagination;
    if (!pagination || pagination.current_page >= pagination.total_pages || data.length === 0) return hooks;
  }
}

/** https://developer.bigcommerce.com/docs/rest-management/webhooks#create-a-webhook */
export async function createHook(client: BigCommerceClient, spec: HookSpec): Promise<BcHook> {
  const res = await client.request(
    { method: 'POST', path: '/v3/hooks', body: { scope: spec.scope, destination: spec.destination, is_active: true, headers: spec.headers } },
    hookEnvelope,
  );
  if (!res.data) throw new BigCommerceError('bad_response', 'POST /v3/hooks answered with no body', { status: res.status });
  return res.data.data;
}

/** https://developer.bigcommerce.com/docs/rest-management/webhooks#update-a-webhook */
export async function updateHook(
  client: BigCommerceClient,
  id: number,
  changes: Partial<{ scope: string; destination: string; is_active: boolean; headers: Record<string, string> }>,
): Promise<BcHook> {
  const res = await client.request({ method: 'PUT', path: `/v3/hooks/${id}`, body: changes }, hookEnvelope);
  if (!res.data) throw new BigCommerceError('bad_response', `PUT /v3/hooks/${id} answered with no body`, { status: res.status });
  return res.data.data;
}

/** https://developer.bigcommerce.com/docs/rest-management/webhooks#delete-a-webhook (answers 200 with the hook). */
export async function deleteHook(client: BigCommerceClient, id: number): Promise<void> {
  await client.request({ method: 'DELETE', path: `/v3/hooks/${id}` }, hookEnvelope);
}

export type EnsureHookOutcome = 'created' | 'reactivated' | 'updated' | 'unchanged';

/**
 * Makes sure one active hook exists for (scope, destination) with our headers. Looks up first:
 * hook creation is a POST without idempotency, and BigCommerce allows one hook per
 * store + client + scope + destination, so a blind second create fails.
 */
export async function ensureHook(client: BigCommerceClient, spec: HookSpec): Promise<{ hook: BcHook; outcome: EnsureHookOutcome }> {
  const existing = (await listHooks(client, { scope: spec.scope, destination: spec.destination })).find((h) => h.scope === spec.scope && h.destination === spec.destination);
  if (!existing) return { hook: await createHook(client, spec), outcome: 'created' };

  const headersMatch = sameHeaders(existing.headers ?? {}, spec.headers);
  if (existing.is_active && headersMatch) return { hook: existing, outcome: 'unchanged' };
  const hook = await updateHook(client, existing.id, { is_active: true, headers: spec.headers });
  return { hook, outcome: existing.is_active ? 'updated' : 'reactivated' };
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const keysA = Object.keys(a);
  return keysA.length === Object.keys(b).length && keysA.every((k) => a[k] === b[k]);
}
