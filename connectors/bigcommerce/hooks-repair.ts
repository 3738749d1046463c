import type { RequiredHook } from '../../domain/monitoring/required-hooks';
import type { BigCommerceClient } from './client';
import { createHook, deleteHook, listHooks, updateHook, type BcHook } from './hooks';

export type HookState = 'ok' | 'missing' | 'inactive' | 'wrong-headers';

export interface HookCheck {
  scope: string;
  destination: string;
  hookId: number | null;
  /** What it was before this check. */
  was: HookState;
  /** When it stopped working, as far as BigCommerce tells (its updated_at for an inactive hook), Unix s. */
  inactiveSinceS: number | null;
  repaired: boolean;
}

/**
 * Compares the store's hooks with the required set and repairs them: reactivates inactive ones
 * (BigCommerce deactivates a hook after ~48 h of failed deliveries, or 90 days without activity),
 * re-creates missing ones, restores our secret header, and removes our hooks at our destinations for
 * scopes no longer required. Hooks of other destinations (other apps) are left alone.
 * https://developer.bigcommerce.com/docs/integrations/webhooks#reactivate-a-webhook
 */
export async function checkAndRepairHooks(
  client: BigCommerceClient,
  required: RequiredHook[],
  headers: Record<string, string>,
  opts: { repair: boolean } = { repair: true },
): Promise<{ checks: HookCheck[]; removed: number[] }> {
  const destinations = [...new Set(required.map((r) => r.destination))];
  const ours: BcHook[] = [];
  for (const destination of destinations) ours.push(...(await listHooks(client, { destination })));
  const checks: HookCheck[] = [];
  for (const req of required) {
    const hook = ours.find((h) => h.scope === req.scope && h.destination === req.destination);
    if (!hook) {
      const created = opts.repair ? await createHook(client, { ...req, headers }) : undefined;
      checks.push({ ...req, hookId: created?.id ?? null, was: 'missing', inactiveSinceS: null, repaired: !!created });
      continue;
    }
    const headersOk = Object.keys(headers).every((k) => hook.headers?.[k] === headers[k]);
    const was: HookState = !hook.is_active ? 'inactive' : !headersOk ? 'wrong-headers' : 'ok';
    if (was !== 'ok' && opts.repair) await updateHook(client, hook.id, { is_active: true, headers: { ...(hook.headers ?? {}), ...headers } });
    checks.push({ ...req, hookId: hook.id, was, inactiveSinceS: hook.is_active ? null : hook.updated_at, repaired: was !== 'ok' && opts.repair });
  }
  const stale = ours.filter((h) => !required.some((r) => r.scope === h.scope && r.destination === h.destination));
  if (opts.repair) for (const h of stale) await deleteHook(client, h.id);
  return { checks, removed: opts.repair ? stale.map((h) => h.id) : [] };
}
